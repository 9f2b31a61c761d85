package org.multimaster.interop;

import java.nio.file.Path;

class SqliteBuildbotHttpSideBySideTest extends BuildbotHttpSideBySideContract {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.sqlite(dir);
    }
}
