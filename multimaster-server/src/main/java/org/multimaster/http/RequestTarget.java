package org.multimaster.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The path segments and query parameters of a request, decoded exactly as Twisted decodes them for
 * Buildbot, so that both read the same request the same way:
 *
 * <ul>
 *   <li>the path is split on {@code /} first, then each segment is percent-decoded (an encoded
 *       {@code %2F} stays inside its segment), and nothing is normalized;
 *   <li>the query is split on {@code &} and {@code ;}; a piece without {@code =} is dropped;
 *       {@code +} is a space; a {@code %} not followed by two hex digits stays as it is; names
 *       keep the order in which they first appear and gather the values of repeats.
 * </ul>
 *
 * <p>Bytes that are not UTF-8 become lone surrogates {@code U+DC80}–{@code U+DCFF} (Python's
 * {@code surrogateescape}), which the query parser refuses.
 *
 * @param segments the path's segments after the leading {@code /}
 * @param query the query parameters
 */
record RequestTarget(List<String> segments, Map<String, List<String>> query) {

    RequestTarget {
        segments = List.copyOf(segments);
    }

    /**
     * Decodes a request's raw (still percent-encoded) path and query.
     *
     * @param rawPath the path as sent, starting with {@code /}
     * @param rawQuery the query as sent, without {@code ?}, or null
     */
    static RequestTarget parse(String rawPath, @Nullable String rawQuery) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(decode(segment, false));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String piece : rawQuery.split("[&;]", -1)) {
                int equals = piece.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                query.computeIfAbsent(decode(piece.substring(0, equals), true), k -> new ArrayList<>())
                        .add(decode(piece.substring(equals + 1), true));
            }
        }
        return new RequestTarget(segments, query);
    }

    /** The segments after {@code count} leading ones. */
    List<String> after(int count) {
        return segments.subList(Math.min(count, segments.size()), segments.size());
    }

    private static String decode(String text, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (b == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                bytes.write(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        return utf8WithSurrogateEscapes(bytes.toByteArray());
    }

    private static int hex(byte b) {
        return b >= 0 ? Character.digit((char) b, 16) : -1;
    }

    private static String utf8WithSurrogateEscapes(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 1);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    out.put((char) (0xDC00 | (in.get() & 0xff)));
                }
            } else {
                throw new IllegalStateException(new CharacterCodingException());
            }
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }
}
