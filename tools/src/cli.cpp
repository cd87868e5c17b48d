// SPDX-License-Identifier: GPL-2.0
#include "tools/src/cli.h"

#include <algorithm>
#include <climits>
#include <limits>
#include <sstream>
#include <vector>

#include <boost/program_options.hpp>

#include "tools/lib/address.h"
#include "tools/lib/number.h"
#include "tools/lib/program_options_error.h"
#include "tools/lib/spec.h"
#include "tools/src/errors.h"

namespace po = boost::program_options;

namespace spirecovery::ctl {

namespace {

struct Option {
    std::string_view name; // long name, and key in the variables map
    char letter;
    std::string_view help;
    std::string_view value_name = {}; // the option takes a value, shown as this; else a switch
};

constexpr Option help_option{"help", 'h', "print this help"};
constexpr Option json_option{"json", 'j', "print JSON"};
constexpr Option pretty_option{"pretty", 'p', "print indented JSON (implies --json)"};
constexpr Option derived_option{"derived", 's', "add per-family totals and shares of all misses"};
constexpr Option prometheus_option{
    "prometheus", 'P', "print Prometheus' text format, for node_exporter's textfile collector"};
constexpr Option timestamp_option{"timestamp", 't', "prefix each event with its time (UTC)"};

constexpr Option file_option{"file", 'f',
                             "peers set: read the peers from FILE ('-': standard input)", "FILE"};
constexpr Option version_option{"version", 'V', "print the version"};

constexpr Option global_flags[] = {json_option, pretty_option, version_option, help_option};
constexpr Option write_options[] = {help_option};
constexpr Option read_options[] = {json_option, pretty_option, help_option};
constexpr Option stats_options[] = {json_option, pretty_option, derived_option, prometheus_option,
                                    help_option};
constexpr Option monitor_options[] = {json_option, pretty_option, timestamp_option, help_option};
constexpr Option peers_options[] = {json_option, pretty_option, file_option, help_option};

struct CommandSpec {
    Command command;
    std::string_view name;
    std::string_view synopsis; // arguments after the name
    std::string_view summary;
    std::string_view description;
    std::span<const Option> options;
};

// What each `set` key means, by attribute type (its range comes from spec::config_attrs).
constexpr std::string_view set_key_help[] = {
    "",
    "",
    "events per second per source",
    "events a source may send at once",
    "events per second in this network namespace",
    "events this network namespace may send at once",
    "IPv6 sources sharing this prefix share one limit",
};
static_assert(std::size(set_key_help) == SPIRECOVERY_A_CONFIG_MAX + 1);
constexpr int first_set_key = SPIRECOVERY_A_CONFIG_ENABLED + 1;

constexpr CommandSpec commands[] = {
    {Command::enable, "enable", "", "report invalid-SPI drops in this network namespace",
     "Starts reporting ESP and AH packets dropped for lack of an SA in the network namespace\n"
     "(the caller's, or the one given with --netns).\n",
     write_options},
    {Command::disable, "disable", "", "stop reporting in this network namespace",
     "Stops reporting; the counters keep counting misses as \"disabled\".\n", write_options},
    {Command::set, "set", "KEY N [KEY N]...", "change rate limits; the others stay",
     "Changes the given values in one request; the kernel checks them all before applying any.\n"
     "N is a decimal number. The kernel decides what is allowed; these are its limits.\n",
     write_options},
    {Command::show, "show", "", "configuration and a summary",
     "Prints the configuration, the main counters and the number of tracked sources.\n",
     read_options},
    {Command::stats, "stats", "[-s | -P]", "all counters",
     "Prints every counter of this network namespace, counted since the module was loaded.\n"
     "With --prometheus, one counter spirecovery_NAME_total{netns=\"...\"} per counter, labelled\n"
     "with the --netns name (or this namespace's name in /run/netns, or net:[INODE]).\n",
     stats_options},
    {Command::sources, "sources", "", "the per-source rate-limit table",
     "Prints one line per tracked source: address/prefix, tokens left, misses not reported\n"
     "since its last event, all its misses, time since its last miss.\n",
     read_options},
    {Command::flush, "flush", "", "empty the source table",
     "Forgets every tracked source of this network namespace; each starts with a full burst.\n",
     write_options},
    {Command::peers, "peers", "[ACTION] [PEER...]", "show or change the recovery peer set",
     "While the peer set is not empty, misses from sources outside it only count as\n"
     "unknown-source: no rate-limit entry, no event. Actions:\n"
     "  show              print the set, one ADDR/LEN per line (the default)\n"
     "  set [PEER...]     replace the set in one change; no PEER empties it\n"
     "  set -f FILE       the same with FILE's peers: one per line, '#' starts a comment\n"
     "  add PEER...       add peers; none of them may be in the set already\n"
     "  del PEER...       remove peers; each of them must be in the set\n"
     "  flush             empty the set\n"
     "PEER is ADDR[/LEN]: 192.0.2.1, 192.0.2.0/24, 2001:db8::/32. LEN defaults to the whole\n"
     "address; bits past it must be zero.\n",
     peers_options},
    {Command::monitor, "monitor", "[-t]", "print events until interrupted",
     "Prints one line per event until SIGINT or SIGTERM. With --json, one YNL-shaped JSON\n"
     "object per line. Events lost to a full receive queue are counted and reported.\n",
     monitor_options},
};

const CommandSpec& spec_of(Command command) {
    return *std::find_if(std::begin(commands), std::end(commands),
                         [&](const CommandSpec& c) { return c.command == command; });
}

const CommandSpec* find_command(std::string_view name) {
    const auto it = std::find_if(std::begin(commands), std::end(commands),
                                 [&](const CommandSpec& c) { return c.name == name; });
    return it == std::end(commands) ? nullptr : &*it;
}

// Width of the option lists in help texts.
constexpr unsigned help_width = 100;

// Long option abbreviations ("--js") are not accepted: a script must not break when an option
// is added.
constexpr int parser_style =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

po::options_description describe(std::span<const Option> options) {
    po::options_description desc("Options", help_width, help_width / 2);
    for (const Option& option : options) {
        const std::string names = std::string(option.name) + "," + option.letter;
        if (option.value_name.empty())
            desc.add_options()(names.c_str(), po::bool_switch(), std::string(option.help).c_str());
        else
            desc.add_options()(names.c_str(),
                               po::value<std::string>()->value_name(std::string(option.value_name)),
                               std::string(option.help).c_str());
    }
    return desc;
}

po::options_description global_options() {
    po::options_description desc = describe(global_flags);
    desc.add_options()("netns,n", po::value<std::string>()->value_name("NAME"),
                       "run in network namespace NAME (/run/netns/NAME), as ip -n does");
    return desc;
}

po::option positional(const std::string& token) {
    po::option opt;
    opt.value.push_back(token);
    opt.original_tokens.push_back(token);
    return opt;
}

std::vector<std::string> positionals(const po::variables_map& vm) {
    return vm.count("args") ? vm["args"].as<std::vector<std::string>>()
                            : std::vector<std::string>{};
}

bool flag(const po::variables_map& vm, std::string_view name) {
    const auto it = vm.find(std::string(name));
    return it != vm.end() && it->second.as<bool>();
}

// Global options end at the command: everything from the first word on is the command's.
po::variables_map parse_global(std::span<const std::string> args) {
    po::options_description desc = global_options();
    desc.add_options()("args", po::value<std::vector<std::string>>());
    po::positional_options_description pos;
    pos.add("args", -1);

    const auto rest_after_command = [](std::vector<std::string>& tokens) {
        std::vector<po::option> result;
        if (tokens.empty() || (tokens[0].size() > 1 && tokens[0][0] == '-'))
            return result;
        for (const std::string& token : tokens)
            result.push_back(positional(token));
        tokens.clear();
        return result;
    };

    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(desc)
                  .positional(pos)
                  .style(parser_style)
                  .extra_style_parser(rest_after_command)
                  .run(),
              vm);
    return vm;
}

// A command's own options; any other word, even one starting with '-' (a negative number, an
// option of another command), is an argument for the command to judge.
po::variables_map parse_command(const CommandSpec& spec, std::span<const std::string> args) {
    po::options_description desc = describe(spec.options);
    desc.add_options()("args", po::value<std::vector<std::string>>());
    po::positional_options_description pos;
    pos.add("args", -1);

    const auto is_option = [&](const std::string& token) {
        if (token.size() > 2 && token.starts_with("--")) {
            const std::string_view name = std::string_view(token).substr(2, token.find('=') - 2);
            return std::any_of(spec.options.begin(), spec.options.end(),
                               [&](const Option& o) { return name == o.name; });
        }
        if (token.size() < 2 || token[0] != '-')
            return false;
        // Switches, then at most one option with a value, which takes the rest ("-jf", "-fFILE").
        for (std::size_t i = 1; i < token.size(); ++i) {
            const auto option = std::find_if(spec.options.begin(), spec.options.end(),
                                             [&](const Option& o) { return o.letter == token[i]; });
            if (option == spec.options.end())
                return false;
            if (!option->value_name.empty())
                return true;
        }
        return true;
    };
    const auto arguments = [&](std::vector<std::string>& tokens) {
        std::vector<po::option> result;
        if (!tokens.empty() && !is_option(tokens[0])) {
            result.push_back(positional(tokens[0]));
            tokens.erase(tokens.begin());
        }
        return result;
    };

    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(desc)
                  .positional(pos)
                  .style(parser_style)
                  .extra_style_parser(arguments)
                  .run(),
              vm);
    return vm;
}

// `set`'s KEY N pairs. Values must fit the attribute's type; whether they are allowed is the
// kernel's decision (its error names the limit), so a newer module may allow more.
ConfigChange parse_set_arguments(const std::vector<std::string>& args) {
    ConfigChange change;
    for (std::size_t i = 0; i < args.size(); i += 2) {
        const std::string& key = args[i];
        const auto found = spec::config_attr_named(key);
        if (!found || *found < first_set_key) {
            std::string keys;
            for (int t = first_set_key; t <= SPIRECOVERY_A_CONFIG_MAX; ++t)
                keys += (keys.empty() ? "" : ", ") + std::string(spec::config_attrs[t].name);
            throw UsageError("set: unknown key \"" + key + "\" (keys: " + keys + ")", "set");
        }
        const std::uint16_t type = *found;
        const spec::Range& range = spec::config_attrs[type].range;
        if (i + 1 == args.size())
            throw UsageError(
                "set: " + key + " needs a value (allowed: " + spec::range_text(range) + ")", "set");
        const std::string& text = args[i + 1];
        const std::uint64_t type_max = spec::config_attrs[type].size == 1
                                           ? std::numeric_limits<std::uint8_t>::max()
                                           : std::numeric_limits<std::uint32_t>::max();
        const auto value = parse_decimal(text, type_max);
        if (!value) {
            const bool digits =
                !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            throw UsageError("set: " + key + " " + text +
                                 (digits ? " is out of range" : " is not a decimal number") +
                                 " (allowed: " + spec::range_text(range) + ")",
                             "set");
        }
        if (!change.emplace(type, static_cast<std::uint32_t>(*value)).second)
            throw UsageError("set: " + key + " is given twice", "set");
    }
    if (change.empty())
        throw UsageError("set: nothing to change (give at least one KEY N)", "set");
    return change;
}

// PEER arguments of `what` ("peers add").
std::vector<Peer> parse_peer_arguments(std::span<const std::string> args, const std::string& what) {
    std::vector<Peer> peers;
    for (const std::string& arg : args) {
        try {
            peers.push_back(parse_peer(arg));
        } catch (const PeerSyntaxError& e) {
            throw UsageError(what + ": " + e.what(), "peers");
        }
    }
    return peers;
}

// `peers`' action and its arguments; `local` holds the command's options.
void parse_peers_command(Invocation& inv, std::span<const std::string> args,
                         const po::variables_map& local) {
    static constexpr struct {
        std::string_view name;
        PeersAction action;
    } actions[] = {{"show", PeersAction::show},
                   {"set", PeersAction::set},
                   {"add", PeersAction::add},
                   {"del", PeersAction::del},
                   {"flush", PeersAction::flush}};
    const auto* chosen = std::begin(actions); // show
    if (!args.empty()) {
        chosen = std::find_if(std::begin(actions), std::end(actions),
                              [&](const auto& a) { return a.name == args[0]; });
        if (chosen == std::end(actions))
            throw UsageError("peers: unknown action \"" + args[0] +
                                 "\" (actions: show, set, add, del, flush)",
                             "peers");
        args = args.subspan(1);
    }
    inv.peers_action = chosen->action;
    const std::string what = "peers " + std::string(chosen->name);

    if (inv.peers_action != PeersAction::show && (flag(local, "json") || flag(local, "pretty")))
        throw UsageError(what + ": --json and --pretty are only for peers show", "peers");
    if (local.count("file")) {
        if (inv.peers_action != PeersAction::set)
            throw UsageError(what + ": -f FILE is only for peers set", "peers");
        if (!args.empty())
            throw UsageError("peers set: give the peers as arguments or with -f FILE, not both",
                             "peers");
        inv.peers_file = local["file"].as<std::string>();
    }
    switch (inv.peers_action) {
    case PeersAction::show:
    case PeersAction::flush:
        if (!args.empty())
            throw UsageError(what + ": unknown argument \"" + args[0] + "\"", "peers");
        break;
    case PeersAction::add:
    case PeersAction::del:
        if (args.empty())
            throw UsageError(what + ": no peer given (give one or more ADDR[/LEN])", "peers");
        break;
    case PeersAction::set:
        break;
    }
    inv.peers = parse_peer_arguments(args, what);
}

void check_netns_name(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.size() > NAME_MAX)
        throw UsageError("invalid network namespace name \"" + name + "\"");
}

} // namespace

std::string_view command_name(Command command) {
    return spec_of(command).name;
}

Invocation parse_command_line(std::span<const std::string> args) {
    Invocation inv;
    try {
        const po::variables_map global = parse_global(args);
        inv.output.pretty = flag(global, "pretty");
        inv.output.json = flag(global, "json") || inv.output.pretty;
        if (global.count("netns")) {
            inv.netns = global["netns"].as<std::string>();
            check_netns_name(*inv.netns);
        }
        if (flag(global, "help")) {
            inv.action = Invocation::Action::help;
            return inv;
        }
        if (flag(global, "version")) {
            inv.action = Invocation::Action::version;
            return inv;
        }

        const std::vector<std::string> words = positionals(global);
        if (words.empty())
            throw UsageError::with_usage("no command given");
        if (words[0] == "help") {
            inv.action = Invocation::Action::help;
            if (words.size() > 1) {
                const CommandSpec* spec = find_command(words[1]);
                if (!spec || words.size() > 2)
                    throw UsageError("help: unknown command \"" + words[1] + "\"");
                inv.command = spec->command;
            }
            return inv;
        }
        const CommandSpec* spec = find_command(words[0]);
        if (!spec)
            throw UsageError::with_usage("unknown command \"" + words[0] + "\"");
        inv.command = spec->command;

        const po::variables_map local = parse_command(*spec, std::span(words).subspan(1));
        const std::vector<std::string> rest = positionals(local);
        if (flag(local, "help") || (!rest.empty() && rest[0] == "help")) {
            inv.action = Invocation::Action::help;
            return inv;
        }
        inv.output.pretty = inv.output.pretty || flag(local, "pretty");
        inv.output.json = inv.output.json || inv.output.pretty || flag(local, "json");
        inv.derived = flag(local, "derived");
        inv.timestamps = flag(local, "timestamp");
        inv.prometheus = flag(local, "prometheus");
        if (inv.prometheus && (inv.output.json || inv.derived))
            throw UsageError("stats: --prometheus is a format of its own: give it without "
                             "--json, --pretty and --derived",
                             "stats");

        switch (spec->command) {
        case Command::enable:
        case Command::disable:
            inv.change[SPIRECOVERY_A_CONFIG_ENABLED] = spec->command == Command::enable;
            break;
        case Command::set:
            inv.change = parse_set_arguments(rest);
            break;
        case Command::peers:
            parse_peers_command(inv, rest, local);
            break;
        default:
            break;
        }
        if (spec->command != Command::set && spec->command != Command::peers && !rest.empty())
            throw UsageError(std::string(spec->name) + ": unknown argument \"" + rest[0] + "\"",
                             spec->name);
    } catch (const po::error& e) {
        throw UsageError(program_options_message(e), inv.command ? command_name(*inv.command) : "");
    }
    return inv;
}

std::vector<Peer> parse_peer_list(std::string_view text, std::string_view name) {
    constexpr std::string_view blanks = " \t\r\v\f";
    std::vector<Peer> peers;
    std::size_t number = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++number;
        line = line.substr(0, line.find('#'));
        const std::size_t first = line.find_first_not_of(blanks);
        if (first == std::string_view::npos)
            continue;
        line = line.substr(first, line.find_last_not_of(blanks) + 1 - first);
        const std::string where = "peers set: " + std::string(name) + ":" + std::to_string(number);
        if (line.find_first_of(blanks) != std::string_view::npos)
            throw UsageError(where + ": one peer per line, not \"" + std::string(line) + "\"",
                             "peers");
        try {
            peers.push_back(parse_peer(line));
        } catch (const PeerSyntaxError& e) {
            throw UsageError(where + ": " + e.what(), "peers");
        }
    }
    return peers;
}

std::string usage() {
    std::ostringstream out;
    out << "Usage: spirecoveryctl [OPTIONS] COMMAND [ARGS]\n"
           "       spirecoveryctl COMMAND help\n"
           "\n"
           "Commands:\n";
    for (const CommandSpec& c : commands) {
        std::string head = std::string(c.name);
        if (!c.synopsis.empty())
            head += " " + std::string(c.synopsis);
        head.resize(std::max<std::size_t>(head.size() + 2, 24), ' ');
        out << "  " << head << c.summary << "\n";
    }
    out << "  help [COMMAND]          this help, or a command's\n"
           "\n"
        << global_options()
        << "\n"
           "Exit status: 0 success, 1 usage error, 2 failure. See spirecoveryctl(8).\n";
    return out.str();
}

std::string command_usage(Command command) {
    const CommandSpec& c = spec_of(command);
    std::ostringstream out;
    out << "Usage: spirecoveryctl [-n NAME] " << c.name;
    if (!c.synopsis.empty())
        out << " " << c.synopsis;
    out << "\n" << c.description;
    if (command == Command::set) {
        out << "Keys:\n";
        for (int type = first_set_key; type <= SPIRECOVERY_A_CONFIG_MAX; ++type) {
            std::string key = "  " + std::string(spec::config_attrs[type].name) + " N";
            key.resize(19, ' ');
            out << key << set_key_help[type] << " ("
                << spec::range_text(spec::config_attrs[type].range) << ")\n";
        }
    }
    out << "\n" << describe(c.options);
    return out.str();
}

} // namespace spirecovery::ctl
