package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;

/**
 * How multimaster's classes are compiled, where it matters to a one-shot command's start: string
 * concatenation is compiled to {@code StringBuilder} calls ({@code -XDstringConcat=inline} in
 * {@code pom.xml}), since linking each new shape of {@code +} through invokedynamic costs 5 to 15 ms
 * of CPU the first time it runs.
 */
class CompiledClassesTest {

    private static final byte[] INDY_CONCAT = "makeConcatWithConstants".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldNotConcatenateStringsThroughInvokedynamic() throws Exception {
        List<String> classes = new ArrayList<>();
        List<String> indy = new ArrayList<>();
        for (Class<?> module : List.of(DbConnector.class, Main.class)) {
            forEachClass(module, (name, bytes) -> {
                classes.add(name);
                if (contains(bytes, INDY_CONCAT)) {
                    indy.add(name);
                }
            });
        }

        assertThat(classes).contains("org/multimaster/db/DbConnector.class", "org/multimaster/cli/Main.class");
        assertThat(indy)
                .as("classes that concatenate strings through invokedynamic")
                .isEmpty();
    }

    private interface ClassVisitor {
        void visit(String name, byte[] bytes) throws IOException;
    }

    /** Every class of the directory or jar that {@code member} was loaded from. */
    private static void forEachClass(Class<?> member, ClassVisitor visitor) throws IOException, URISyntaxException {
        Path location = Path.of(
                member.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    visitor.visit(location.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            return;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        visitor.visit(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
