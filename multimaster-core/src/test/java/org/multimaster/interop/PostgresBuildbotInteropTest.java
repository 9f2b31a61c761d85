package org.multimaster.interop;

import java.nio.file.Path;

class PostgresBuildbotInteropTest extends AbstractBuildbotInteropTest {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.postgres();
    }
}
