package org.multimaster.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.multimaster.http.HttpEndpoint;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The options of the commands that serve HTTP: where to listen. */
final class HttpOptions {

    @Option(
            names = "--http",
            paramLabel = "HOST:PORT",
            converter = EndpointConverter.class,
            description = {
                "Serve the data API (/api/v2), the Build Masters page (/), /metrics and /healthz on HOST:PORT;"
                        + " port 0 picks a free one. Default: 127.0.0.1:8010 (this host only); 0.0.0.0:8010 serves"
                        + " every interface.",
            })
    HttpEndpoint http = HttpEndpoint.DEFAULT;

    @Option(
            names = "--poll",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "2s",
            description = "How often the live event stream and the page read the masters' state from the database"
                    + " (one cheap query, independent of the heartbeat). Default: ${DEFAULT-VALUE}.")
    java.time.Duration poll;

    @Option(
            names = "--admin-token-file",
            paramLabel = "FILE",
            description = "Allow POST /api/v2/masters/ID/deactivate to clients that send the token in FILE (at"
                    + " least 16 letters, digits and punctuation) as 'Authorization: Bearer TOKEN'. Without it,"
                    + " operator actions are off.")
    @Nullable
    Path adminTokenFile;

    /** Reads {@code HOST:PORT}. */
    static final class EndpointConverter implements ITypeConverter<HttpEndpoint> {
        @Override
        public HttpEndpoint convert(String value) {
            try {
                return HttpEndpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(String.valueOf(e.getMessage()));
            }
        }
    }
}
