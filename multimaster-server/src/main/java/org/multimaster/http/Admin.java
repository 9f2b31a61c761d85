package org.multimaster.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.QueryParser;
import org.multimaster.json.BuildbotJson;
import org.multimaster.runtime.MasterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions, off unless a token is configured: {@code POST /api/v2/masters/N/deactivate}
 * with {@code Authorization: Bearer TOKEN} marks master N inactive, releasing its claims, and runs
 * its housekeeping exactly once: only the request whose state change won ({@code setMasterState}
 * answered true) does, however many deactivate it at once.
 *
 * <p>No token: 401; a wrong token: 403. Tokens are compared through their SHA-256 digests with
 * {@link MessageDigest#isEqual}, in time that depends neither on where they differ nor on their
 * lengths. Thread-safe.
 */
final class Admin {

    private static final Logger log = LoggerFactory.getLogger(Admin.class);

    private final DataApi api;
    private final DbConnector db;
    private final byte @Nullable [] tokenDigest;
    private final Consumer<MasterModel> housekeeping;
    private final Consumer<MasterEvent> events;

    Admin(
            DataApi api,
            DbConnector db,
            @Nullable String token,
            Consumer<MasterModel> housekeeping,
            Consumer<MasterEvent> events) {
        this.api = api;
        this.db = db;
        this.tokenDigest = token == null ? null : sha256(token);
        this.housekeeping = housekeeping;
        this.events = events;
    }

    /** Answers a POST below {@code /api/v2/}, or null if the path is no admin action. */
    @Nullable
    Reply post(List<String> path, @Nullable String authorization) {
        if (path.size() != 3 || !path.get(0).equals("masters") || !path.get(2).equals("deactivate")) {
            return null;
        }
        if (tokenDigest == null) {
            return Reply.error(
                    403, "admin actions are off: start the daemon with --admin-token-file FILE to allow them");
        }
        @Nullable String token = bearerToken(authorization);
        if (token == null) {
            return Reply.error(401, "this action needs the admin token: send the header Authorization: Bearer TOKEN")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"multimaster\"");
        }
        if (!MessageDigest.isEqual(tokenDigest, sha256(token))) {
            return Reply.error(403, "wrong admin token");
        }
        OptionalLong id = QueryParser.pathId(path.get(1));
        if (id.isEmpty()) {
            return Reply.error(404, "Invalid path: " + String.join("/", path));
        }
        return deactivate(id.getAsLong());
    }

    /**
     * The token of a {@code Bearer} authorization, or null for none: the scheme is matched without
     * regard to case and may be followed by several spaces, as HTTP's grammar of credentials allows
     * (RFC 9110, section 11.4).
     */
    private static @Nullable String bearerToken(@Nullable String authorization) {
        String scheme = "Bearer ";
        if (authorization == null || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return null;
        }
        String token = authorization.substring(scheme.length()).stripLeading();
        return token.isEmpty() ? null : token;
    }

    private Reply deactivate(long id) {
        Optional<MasterModel> before = api.await(db.masters().getMaster(id));
        if (before.isEmpty()) {
            return Reply.error(404, "no master has id " + id);
        }
        boolean changed = api.await(db.masters().setMasterState(id, false));
        if (changed) {
            MasterModel master = before.get();
            log.info("master {} ('{}') deactivated by an operator over HTTP", id, master.name());
            try {
                housekeeping.accept(master);
            } finally {
                events.accept(new MasterEvent(MasterEvent.Type.STOPPED, id, master.name(), false));
            }
        }
        return Reply.of(200, Reply.JSON, BuildbotJson.compact(Map.of("changed", changed, "masterid", id)));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
