package org.multimaster.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.QueryParser;
import org.multimaster.db.ResourceType;
import org.multimaster.db.ResultSpec;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multimaster list}: prints the masters a query selects, as a table or Buildbot's JSON. */
@Command(
        name = "list",
        description = {
            "Print the masters, in id order unless --order is given.",
            "Fields: masterid (integer), name (string), active (boolean: true/false, yes/no, on/off, 1/0),"
                    + " last_active (epoch seconds).",
            "Read-only: a database without schema (or a SQLite file that does not exist) is an error, never"
                    + " created.",
        },
        footer = {
            "",
            "Filter operators: eq ne lt le gt ge contains in notin; FIELD=VALUE means FIELD__eq=VALUE.",
            "Repeating a filter on the same field and operator gives several values: for eq and in the master"
                    + " must match one of them, for ne and notin none of them.",
            "Datetimes: epoch seconds or ISO-8601 such as 2026-11-28T10:00:00Z.",
            "",
            "Examples:",
            "  multimaster list --active --order -last_active",
            "  multimaster list --filter name__contains=build --limit 10",
            "  multimaster list --filter masterid=1 --filter masterid=3 --json",
        })
final class ListCommand extends DatabaseCommand {

    /** {@code --active} and {@code --inactive} exclude each other. */
    static final class StateFilter {
        @Option(names = "--active", required = true, description = "Only active masters.")
        boolean active;

        @Option(names = "--inactive", required = true, description = "Only inactive masters.")
        boolean inactive;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable
    StateFilter state;

    @Option(
            names = "--order",
            paramLabel = "FIELD",
            description = "Sort by FIELD; -FIELD sorts descending. Repeat for several keys.")
    List<String> order = new ArrayList<>();

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Print at most N masters; negative: all but the last -N (as Buildbot pages).")
    @Nullable
    Long limit;

    @Option(
            names = "--offset",
            paramLabel = "N",
            description = "Skip the first N masters (default 0); negative: only the last -N.")
    long offset;

    @Option(
            names = "--filter",
            paramLabel = "FIELD[__OP]=VALUE",
            description = "Only masters whose FIELD matches; repeatable (all filters must match).")
    List<String> filters = new ArrayList<>();

    @Override
    int execute() {
        // The spec is checked before the database is opened: bad input is reported as such.
        ResultSpec spec = QueryParser.of(ResourceType.MASTER).strict().parse(query());
        ListResult<MasterModel> result;
        try (DbConnector db = open(false)) {
            result = db.masters().getMasters(spec).join();
        }
        if (json()) {
            out().println(BuildbotJson.compact(BuildbotJson.collection(
                    ResourceType.MASTER,
                    result.items().stream().map(BuildbotJson::master).toList(),
                    result.total())));
        } else {
            printTable(result);
        }
        return ExitCodes.OK;
    }

    /** The options as the data API's query parameters, read by the same parser as HTTP requests. */
    private Map<String, List<String>> query() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (state != null) {
            query.put("active__eq", List.of(String.valueOf(state.active)));
        }
        for (String filter : filters) {
            int equals = filter.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "filter '" + filter + "' must be FIELD=VALUE or FIELD__OP=VALUE, e.g. name__contains=build");
            }
            query.computeIfAbsent(filter.substring(0, equals), k -> new ArrayList<>())
                    .add(filter.substring(equals + 1));
        }
        if (!order.isEmpty()) {
            query.put("order", order);
        }
        if (limit != null) {
            query.put("limit", List.of(String.valueOf(limit)));
        }
        if (offset != 0) {
            query.put("offset", List.of(String.valueOf(offset)));
        }
        return query;
    }

    private void printTable(ListResult<MasterModel> result) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MASTERID", "NAME", "ACTIVE", "LAST_ACTIVE"});
        for (MasterModel master : result.items()) {
            rows.add(new String[] {
                String.valueOf(master.id()),
                Text.printable(master.name()),
                String.valueOf(master.active()),
                master.lastActive().toString()
            });
        }
        Text.printTable(out(), rows);
        out().println(result.items().size() + " of " + Text.count(result.total(), "master"));
    }
}
