"""A stand-in for the buildbot-www package, which Debian does not ship.

Without a www plugin named "base", Buildbot refuses to start its web server, and with it its
REST API (/api/v2). This plugin has no user interface: it only lets Buildbot serve the API, so
that multimaster's tests can compare their answers with real Buildbot's.
"""

from buildbot.www.plugin import Application

ep = Application(__name__, "multimaster's REST-only stand-in for buildbot-www", ui=False)
