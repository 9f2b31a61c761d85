package org.multimaster.interop;

import java.nio.file.Path;

class MariaDbBuildbotHttpSideBySideTest extends BuildbotHttpSideBySideContract {

    @Override
    protected InteropDatabase database(Path dir) {
        return InteropDatabase.mariadb();
    }
}
