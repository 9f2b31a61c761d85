package org.multimaster.interop;

import java.nio.file.Path;

class MariaDbBuildbotInteropTest extends AbstractBuildbotInteropTest {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.mariadb();
    }
}
