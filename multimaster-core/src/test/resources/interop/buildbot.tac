# A Buildbot master directory's entry point, as Buildbot's scripts expect it; the
# interoperability tests only run "buildbot upgrade-master" on it, never start it.
import os

from twisted.application import service

from buildbot.master import BuildMaster

basedir = os.path.abspath(os.path.dirname(__file__))
configfile = "master.cfg"

application = service.Application('buildmaster')
BuildMaster(basedir, configfile).setServiceParent(application)
