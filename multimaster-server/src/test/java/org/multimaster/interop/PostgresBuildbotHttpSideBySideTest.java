package org.multimaster.interop;

import java.nio.file.Path;

class PostgresBuildbotHttpSideBySideTest extends BuildbotHttpSideBySideContract {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.postgres();
    }
}
