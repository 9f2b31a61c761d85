package org.multimaster.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.SchedulerModel;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;

/** {@code multimaster status}: the cluster on one screen. */
@Command(
        name = "status",
        description = {
            "Print the cluster on one screen: each master, whether it is active, how long since its last check-in"
                    + " (by the database's clock), and the schedulers and change sources it runs; then what no master"
                    + " runs.",
            "Read-only: a database without schema is an error, never created.",
        })
final class StatusCommand extends DatabaseCommand {

    @Override
    int execute() {
        List<MasterModel> masters;
        List<SchedulerModel> schedulers;
        List<ChangeSourceModel> changeSources;
        Instant now;
        String database;
        try (DbConnector db = open(false)) {
            database = db.url().toString();
            masters = db.masters().getMasters().join();
            schedulers = db.schedulers().getSchedulers(null, null).join();
            changeSources = db.changeSources().getChangeSources(null, null).join();
            now = db.databaseNow().join();
        }
        if (json()) {
            printJson(masters, schedulers, changeSources, now);
        } else {
            printText(database, masters, schedulers, changeSources, now);
        }
        return ExitCodes.OK;
    }

    private void printJson(
            List<MasterModel> masters,
            List<SchedulerModel> schedulers,
            List<ChangeSourceModel> changeSources,
            Instant now) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (MasterModel master : masters) {
            Map<String, Object> item = BuildbotJson.master(master);
            item.put("schedulers", namesOf(schedulers, master.id()));
            item.put("changesources", namesOfSources(changeSources, master.id()));
            item.put(
                    "seconds_since_check_in",
                    Duration.between(master.lastActive(), now).toSeconds());
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("masters", items);
        body.put(
                "unclaimed",
                Map.of(
                        "schedulers", namesOf(schedulers, null),
                        "changesources", namesOfSources(changeSources, null)));
        out().println(BuildbotJson.compact(body));
    }

    private void printText(
            String database,
            List<MasterModel> masters,
            List<SchedulerModel> schedulers,
            List<ChangeSourceModel> changeSources,
            Instant now) {
        long active = masters.stream().filter(MasterModel::active).count();
        List<String> freeSchedulers = namesOf(schedulers, null);
        List<String> freeSources = namesOfSources(changeSources, null);
        out().println(database + ": " + Text.count(masters.size(), "master") + ", " + active + " active; "
                + Text.count(schedulers.size(), "scheduler") + " (" + freeSchedulers.size() + " unclaimed), "
                + Text.count(changeSources.size(), "change source") + " (" + freeSources.size() + " unclaimed)");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MASTERID", "NAME", "STATE", "LAST CHECK-IN", "SCHEDULERS", "CHANGE SOURCES"});
        for (MasterModel master : masters) {
            rows.add(new String[] {
                String.valueOf(master.id()),
                Text.printable(master.name()),
                master.active() ? "active" : "inactive",
                ago(Duration.between(master.lastActive(), now)),
                joined(namesOf(schedulers, master.id())),
                joined(namesOfSources(changeSources, master.id()))
            });
        }
        Text.printTable(out(), rows);
        out().println("unclaimed: schedulers " + joined(freeSchedulers) + "; change sources " + joined(freeSources));
    }

    /** A duration as people read it on a terminal: {@code 12 s ago}, {@code 3 min ago}, {@code 2 d ago}. */
    static String ago(Duration age) {
        long s = age.toSeconds();
        if (s < 0) {
            return "in " + ago(age.negated()).replace(" ago", "");
        }
        if (s < 120) {
            return s + " s ago";
        }
        if (s < 2 * 3600) {
            return s / 60 + " min ago";
        }
        if (s < 2 * 86400) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " d ago";
    }

    private static List<String> namesOf(List<SchedulerModel> schedulers, @Nullable Long masterId) {
        return schedulers.stream()
                .filter(s -> Objects.equals(s.masterId(), masterId))
                .map(s -> Text.printable(s.name()))
                .toList();
    }

    private static List<String> namesOfSources(List<ChangeSourceModel> changeSources, @Nullable Long masterId) {
        return changeSources.stream()
                .filter(c -> Objects.equals(c.masterId(), masterId))
                .map(c -> Text.printable(c.name()))
                .toList();
    }

    private static String joined(List<String> names) {
        return names.isEmpty() ? "-" : String.join(",", names);
    }
}
