package org.multimaster.interop;

import java.nio.file.Path;

class SqliteBuildbotInteropTest extends AbstractBuildbotInteropTest {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.sqlite(dir);
    }
}
