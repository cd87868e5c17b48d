// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options/parsers.hpp>

#include "ike/daemon/addresses.h"
#include "tools/lib/program_options_error.h"
#include "tools/lib/unique_fd.h"

namespace po = boost::program_options;

namespace spirecovery {

namespace {

constexpr std::string_view peer_prefix = "peer.";

// "192.0.2.1" (the family's full length) or "198.51.100.0/24"; a prefix with host bits set is
// refused, since it most likely names one host by mistake.
std::optional<std::pair<ike::IpAddress, std::optional<unsigned>>>
parse_peer_address(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = ike::IpAddress::parse(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    const unsigned full = static_cast<unsigned>(address->bytes().size() * 8);
    if (slash == std::string_view::npos)
        return std::pair{*address, std::optional<unsigned>()};
    const auto bits_text = text.substr(slash + 1);
    unsigned bits = 0;
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (bits_text.empty() || ec != std::errc() || end != bits_text.data() + bits_text.size() ||
        bits > full)
        return std::nullopt;
    const auto bytes = address->bytes();
    for (unsigned bit = bits; bit < full; bit++)
        if (bytes[bit / 8] & (0x80 >> (bit % 8)))
            return std::nullopt;
    return std::pair{*address, bits == full ? std::nullopt : std::optional<unsigned>(bits)};
}
// The longest PSK file read: a key is a line of text or hex, far below this.
constexpr off_t max_psk_file_size = 64 * 1024;

// Every numeric global option with its range: parsed from text here, because Boost reads
// "-1" into an unsigned as 4294967295.
struct NumberOption {
    const char* name;
    unsigned min;
    unsigned max;
    const char* unit; // appended to the range in messages
    const char* help;
};
constexpr NumberOption number_options[] = {
    {"hold-down", 0, 86400, " s",
     "seconds from the end of a recovery of a peer to the next; doubled per failure (30)"},
    // 8: within charon's defaults when its spokes answer or re-key toward it, with room
    // to spare. A vici initiate holds one of charon's 16 worker threads (charon.threads)
    // until it ends, and about 5 are taken by long-running tasks; each native recovery makes
    // the peer re-key toward B, one half-open IKE SA at B's charon, where cookie_threshold
    // (30) turns on cookies; init_limit_half_open is 0 (off).
    {"max-exchanges", 1, 256, "", "recoveries running at once, at most (8)"},
    {"max-queued", 0, 65536, "",
     "recoveries waiting for one of max-exchanges, started in the order of their first miss; "
     "0: none wait (1024)"},
    {"vici-timeout", 1, 300, " s", "seconds a vici initiate may take (15)"},
    {"exec-timeout", 1, 3600, " s", "seconds an exec-command may run (30)"},
    {"recovery-wait", 0, 3600, " s",
     "seconds to wait for the peer's new inbound SA after a backend, 0: none (120)"},
    {"retransmit-timeout", 10, 60000, " ms",
     "native: milliseconds before the first IKE retransmission (500)"},
    {"retransmit-base", 1, 10, "", "native: backoff factor per retransmission (2)"},
    {"retransmit-tries", 1, 20, "", "native: transmissions of one request, the first included (5)"},
    {"exchange-timeout", 1, 3600, " s", "native: seconds for the whole exchange (60)"},
    {"packet-ports-per-minute", 1, 60, "",
     "native, nat-traversal peers: distinct UDP ports from packets tried per peer and minute (4)"},
};
// Accepted by strongSwan's default IKE proposals; the first DH group goes into KEi.
constexpr std::string_view default_proposals =
    "aes256gcm16-aes128gcm16-prfsha256-prfsha384-x25519-ecp256-modp2048,"
    "aes256-aes128-sha256-sha384-x25519-ecp256-modp2048";

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> items;
    std::string item;
    for (char c : s) {
        if (c == ',' || c == ' ' || c == '\t') {
            if (!item.empty())
                items.push_back(std::move(item));
            item.clear();
        } else {
            item.push_back(c);
        }
    }
    if (!item.empty())
        items.push_back(std::move(item));
    return items;
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
    T value{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::optional<bool> parse_bool(std::string_view s) {
    if (s == "yes" || s == "true" || s == "1" || s == "on")
        return true;
    if (s == "no" || s == "false" || s == "0" || s == "off")
        return false;
    return std::nullopt;
}

// strongSwan's PSK syntax: "0x" hex or the literal string.
std::optional<ike::SecureBytes> decode_psk(std::string_view text) {
    if (text.size() < 2 || text.substr(0, 2) != "0x")
        return ike::SecureBytes(text.begin(), text.end());
    text.remove_prefix(2);
    if (text.empty() || text.size() % 2)
        return std::nullopt;
    ike::SecureBytes out;
    for (size_t i = 0; i < text.size(); i += 2) {
        auto byte = 0u;
        auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
        if (ec != std::errc() || end != text.data() + i + 2)
            return std::nullopt;
        out.push_back(static_cast<uint8_t>(byte));
    }
    return out;
}

std::string secret_mode_error(const std::string& what, const std::string& path, mode_t mode) {
    char octal[8];
    std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode & 07777));
    return cat(what, " ", path, " is accessible by group or others (mode ", octal,
               "); it holds a pre-shared key: run chmod 600 ", path);
}

std::string_view trim_view(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Reads a PSK file: the key is its first line. The file itself, not a link to it
// (O_NOFOLLOW), checked on the open descriptor, read straight into wiped memory: the
// secret has no other copy.
std::optional<ike::SecureBytes> read_psk_file(const std::string& path, const std::string& where,
                                              std::vector<std::string>& errors) {
    const auto fail = [&](const std::string& why) {
        errors.push_back(cat(where, ": psk-file ", path, " ", why));
        return std::nullopt;
    };
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd && errno == ELOOP)
        return fail("is a symbolic link: name the file itself");
    if (!fd) {
        errors.push_back(cat(where, ": psk-file ", path, ": ", std::strerror(errno)));
        return std::nullopt;
    }
    struct stat st {};
    if (fstat(fd.get(), &st) != 0)
        return fail(cat("cannot be examined: ", std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        return fail("is not a regular file");
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        errors.push_back(cat(where, ": ", secret_mode_error("psk-file", path, st.st_mode)));
        return std::nullopt;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return fail(cat("is owned by uid ", st.st_uid, ", not by root or the daemon's uid ",
                        geteuid(), ": run chown root ", path));
    if (st.st_size > max_psk_file_size)
        return fail(cat("is larger than ", max_psk_file_size, " bytes"));
    ike::SecureBytes content(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < content.size()) {
        const ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(cat("cannot be read: ", std::strerror(errno)));
        if (n == 0)
            break;
        got += static_cast<size_t>(n);
    }
    const std::string_view text(reinterpret_cast<const char*>(content.data()), got);
    const std::string_view line = trim_view(text.substr(0, text.find('\n')));
    if (line.empty())
        return fail("is empty");
    auto bytes = decode_psk(line);
    if (!bytes || bytes->empty())
        return fail("holds no valid key (text or 0x<hex>)");
    return bytes;
}

struct PeerKeys {
    std::map<std::string, std::string> values;
};

void build_peer(const std::string& name, const PeerKeys& keys, const DaemonConfig& global,
                std::optional<mode_t> file_mode, const std::string& source,
                std::vector<std::string>& errors, std::vector<std::string>& warnings,
                std::vector<PeerConfig>& peers) {
    const std::string where = cat("[peer.", name, "]");
    PeerConfig peer;
    peer.name = name;
    const auto get = [&](const std::string& key) -> std::optional<std::string> {
        auto it = keys.values.find(key);
        if (it == keys.values.end())
            return std::nullopt;
        return it->second;
    };
    const size_t errors_before = errors.size();

    if (auto v = get("address")) {
        if (auto parsed = parse_peer_address(*v)) {
            peer.address = parsed->first;
            peer.prefix_len = parsed->second;
        } else {
            errors.push_back(cat(where, ": address '", *v,
                                 "' is not an IPv4 or IPv6 address or prefix (192.0.2.1, "
                                 "198.51.100.0/24, 2001:db8::/48; no host bits set)"));
        }
    } else {
        errors.push_back(cat(where, ": address is missing"));
    }
    if (auto v = get("enabled")) {
        if (auto b = parse_bool(*v))
            peer.enabled = *b;
        else
            errors.push_back(cat(where, ": enabled must be yes or no, not '", *v, "'"));
    }
    for (auto [key, id] : {std::pair{"local-id", &peer.local_id}, {"remote-id", &peer.remote_id}}) {
        if (auto v = get(key)) {
            auto parsed = ike::Identity::parse(*v);
            if (parsed)
                *id = std::move(parsed.value());
            else
                errors.push_back(cat(where, ": ", key, " '", *v, "': ", parsed.error().message));
        }
    }
    for (const auto& text : split_list(get("proposals").value_or(std::string(default_proposals)))) {
        auto parsed = ike::IkeProposal::parse(text);
        if (parsed)
            peer.proposals.push_back(std::move(parsed.value()));
        else
            errors.push_back(cat(where, ": proposal '", text, "': ", parsed.error().message));
    }
    if (auto v = get("port")) {
        auto port = parse_number<uint16_t>(*v);
        if (port && *port)
            peer.port = *port;
        else
            errors.push_back(cat(where, ": port must be 1-65535, not '", *v, "'"));
    }

    if (auto v = get("local-address")) {
        const auto a = ike::IpAddress::parse(*v);
        if (!a)
            errors.push_back(cat(where, ": local-address '", *v,
                                 "' is not an IPv4 or IPv6 address: give B's own address "
                                 "toward the peer, or leave it out to use the route's"));
        else if (errors.size() == errors_before && a->family() != peer.address.family())
            errors.push_back(cat(where, ": local-address ", a->to_string(),
                                 " is not of the family of address ", peer.address.to_string(),
                                 ": give B's address of that family toward the peer"));
        else
            peer.local_address = *a;
    }
    if (auto v = get("nat-traversal")) {
        if (auto b = parse_bool(*v))
            peer.nat_traversal = *b;
        else
            errors.push_back(cat(where, ": nat-traversal must be yes or no, not '", *v,
                                 "' (yes only when the peer sits behind a NAT)"));
    }

    const auto psk = get("psk");
    const auto psk_file = get("psk-file");
    if (psk && psk_file) {
        errors.push_back(cat(where, ": set psk or psk-file, not both"));
    } else if (psk) {
        if (file_mode && (*file_mode & (S_IRWXG | S_IRWXO)))
            errors.push_back(cat(where, ": psk is set inline but ",
                                 secret_mode_error("the configuration file", source, *file_mode),
                                 " (or move the key to a psk-file)"));
        else if (auto bytes = decode_psk(*psk); bytes && !bytes->empty())
            peer.psk = std::move(*bytes);
        else
            errors.push_back(cat(where, ": psk is not a valid key (text or 0x<hex>)"));
    } else if (psk_file) {
        if (auto secret = read_psk_file(*psk_file, where, errors))
            peer.psk = std::move(*secret);
    }

    if (auto v = get("ike-version")) {
        if (*v == "1" || *v == "2")
            peer.ike_version = *v == "1" ? 1 : 2;
        else
            errors.push_back(cat(where, ": ike-version must be 1 or 2, not '", *v, "'"));
    }
    if (auto v = get("implementation")) {
        if (auto kind = parse_peer_implementation(*v))
            peer.implementation = *kind;
        else
            errors.push_back(cat(where,
                                 ": implementation must be strongswan, libreswan or other, "
                                 "not '",
                                 *v, "'"));
    }

    if (auto v = get("exec-command"))
        peer.exec_command = split_list(*v);
    for (auto [key, field] : {std::pair{"vici-proposals", &peer.vici_proposals},
                              {"vici-esp-proposals", &peer.vici_esp_proposals}}) {
        if (auto v = get(key)) {
            if (v->empty() || v->find_first_of(" \t") != std::string::npos)
                errors.push_back(cat(where, ": ", key, " '", *v,
                                     "' must be one swanctl.conf proposals value without spaces "
                                     "(aes256gcm16-prfsha256-x25519,aes256-sha256-modp2048)"));
            else
                *field = *v;
        }
    }

    if (auto v = get("backends")) {
        for (const auto& item : split_list(*v)) {
            auto kind = parse_backend_kind(item);
            if (!kind)
                errors.push_back(
                    cat(where, ": unknown backend '", item, "' (known: native, vici, exec)"));
            else if (std::find(peer.backends.begin(), peer.backends.end(), *kind) !=
                     peer.backends.end())
                errors.push_back(cat(where, ": backend '", item, "' is listed twice"));
            else
                peer.backends.push_back(*kind);
        }
        if (peer.backends.empty() && errors.size() == errors_before)
            errors.push_back(cat(where, ": backends is empty"));
    } else {
        // The strongSwan daemon's own credentials beat a second copy of them: vici first.
        if (!global.vici_socket.empty())
            peer.backends.push_back(BackendKind::vici);
        if ((psk || psk_file) && !peer.is_prefix() && peer.ike_version == 2)
            peer.backends.push_back(BackendKind::native);
        if (!peer.exec_command.empty())
            peer.backends.push_back(BackendKind::exec);
        if (peer.backends.empty())
            errors.push_back(
                peer.ike_version == 1
                    ? cat(where, ": no backend possible for an IKEv1 peer (native speaks IKEv2 "
                                 "only): set vici-socket (vici) or exec-command (exec)")
                    : cat(where, ": no backend possible: set psk or psk-file (native), "
                                 "vici-socket (vici) or exec-command (exec)"));
    }

    for (auto kind : peer.backends) {
        switch (kind) {
        case BackendKind::native:
            // One identity pair and PSK per peer, but a prefix names many spokes: their
            // identities are charon's (vici) or the exec command's to know.
            if (peer.is_prefix())
                errors.push_back(cat(where,
                                     ": the native backend needs one address, not the "
                                     "prefix ",
                                     peer.address_text(),
                                     ": use vici or exec for a hub's spokes, or a [peer] "
                                     "section per spoke"));
            if (!peer.local_id)
                errors.push_back(cat(where, ": the native backend needs local-id"));
            if (!peer.remote_id)
                errors.push_back(cat(where, ": the native backend needs remote-id"));
            if (!psk && !psk_file)
                errors.push_back(cat(where, ": the native backend needs psk or psk-file"));
            if (peer.ike_version == 1)
                errors.push_back(cat(where,
                                     ": the native backend speaks IKEv2 only, and this peer has "
                                     "ike-version = 1: use vici (B's charon speaks IKEv1) or "
                                     "exec"));
            break;
        case BackendKind::vici:
            if (global.vici_socket.empty())
                errors.push_back(cat(where, ": the vici backend needs the global vici-socket"));
            break;
        case BackendKind::exec:
            if (peer.exec_command.empty())
                errors.push_back(cat(where, ": the exec backend needs exec-command"));
            else if (peer.exec_command.front().front() != '/')
                errors.push_back(cat(where,
                                     ": exec-command must start with an absolute path, not '",
                                     peer.exec_command.front(), "'"));
            break;
        }
    }

    // Libreswan 4.x answers INITIAL_CONTACT by deleting one Child SA only: its stale IKE SA
    // survives, and it re-keys inside it until its liveness check gives up.
    if (peer.implementation == PeerImplementation::libreswan && !peer.backends.empty() &&
        peer.backends.front() == BackendKind::native)
        warnings.push_back(cat(where,
                               ": native first for a Libreswan peer: Libreswan keeps its old IKE "
                               "SA after INITIAL_CONTACT and re-keys inside it, so traffic comes "
                               "back only after its liveness timeout (retransmit-timeout, 60 s "
                               "by default); list vici or exec first"));

    for (const auto& [key, value] : keys.values) {
        static const std::set<std::string> known{
            "address",       "enabled",       "local-id",       "remote-id",         "psk",
            "psk-file",      "proposals",     "port",           "backends",          "exec-command",
            "local-address", "nat-traversal", "vici-proposals", "vici-esp-proposals"};
        // What the peer runs, for the checks above.
        static const std::set<std::string> about_peer{"ike-version", "implementation"};
        if (!known.count(key) && !about_peer.count(key))
            errors.push_back(cat(where, ": unknown key '", key, "'"));
    }

    if (errors.size() == errors_before)
        peers.push_back(std::move(peer));
}

template <typename T>
std::optional<T> take(const po::variables_map& vm, const std::string& name) {
    auto it = vm.find(name);
    if (it == vm.end() || it->second.empty())
        return std::nullopt;
    return it->second.as<T>();
}

// The value of a numeric option, checked against its range; nothing (and an error) when
// it is not a whole number in it.
std::optional<unsigned> take_number(const po::variables_map& vm, const NumberOption& option,
                                    std::vector<std::string>& errors) {
    const auto text = take<std::string>(vm, option.name);
    if (!text)
        return std::nullopt;
    const std::string range =
        cat(option.name, " must be ", option.min, "-", option.max, option.unit);
    const std::string value = trim(*text);
    const auto number = parse_number<unsigned>(value); // no sign, no overflow
    if (!number) {
        errors.push_back(
            cat("the argument ('", *text, "') for option '", option.name, "' is invalid: ", range));
        return std::nullopt;
    }
    if (*number < option.min || *number > option.max) {
        errors.push_back(cat(range, ", not ", value));
        return std::nullopt;
    }
    return number;
}

void apply_globals(const po::variables_map& vm, DaemonConfig& cfg,
                   std::vector<std::string>& errors) {
    std::map<std::string_view, unsigned> n;
    for (const auto& option : number_options)
        if (auto v = take_number(vm, option, errors))
            n[option.name] = *v;
    const auto number = [&](std::string_view name) -> std::optional<unsigned> {
        auto it = n.find(name);
        if (it == n.end())
            return std::nullopt;
        return it->second;
    };
    if (auto v = number("hold-down"))
        cfg.hold_down = std::chrono::seconds(*v);
    if (auto v = number("max-exchanges"))
        cfg.max_exchanges = *v;
    if (auto v = number("max-queued"))
        cfg.max_queued = *v;
    if (auto v = number("vici-timeout"))
        cfg.vici_timeout = std::chrono::seconds(*v);
    if (auto v = number("exec-timeout"))
        cfg.exec_timeout = std::chrono::seconds(*v);
    if (auto v = number("recovery-wait"))
        cfg.recovery_wait = std::chrono::seconds(*v);
    if (auto v = number("retransmit-timeout"))
        cfg.retransmit.initial_timeout = std::chrono::milliseconds(*v);
    if (auto v = number("retransmit-base"))
        cfg.retransmit.backoff_factor = *v;
    if (auto v = number("retransmit-tries"))
        cfg.retransmit.max_transmissions = *v;
    if (auto v = number("exchange-timeout"))
        cfg.retransmit.overall_timeout = std::chrono::seconds(*v);
    if (auto v = number("packet-ports-per-minute"))
        cfg.packet_ports_per_minute = *v;
    if (auto v = take<std::string>(vm, "log-level")) {
        if (auto level = parse_log_level(*v))
            cfg.log_level = *level;
        else
            errors.push_back(
                cat("log-level must be error, warning, notice, info or debug, not '", *v, "'"));
    }
    if (auto v = take<bool>(vm, "log-stderr"))
        cfg.log_stderr = *v;
    if (auto v = take<bool>(vm, "syslog"))
        cfg.log_syslog = *v;
    if (auto v = take<std::string>(vm, "vici-socket"))
        cfg.vici_socket = *v;
    if (auto v = take<std::string>(vm, "state-file"))
        cfg.state_file = *v;
}

} // namespace

std::optional<BackendKind> parse_backend_kind(std::string_view text) {
    if (text == "native")
        return BackendKind::native;
    if (text == "vici")
        return BackendKind::vici;
    if (text == "exec")
        return BackendKind::exec;
    return std::nullopt;
}

std::optional<PeerImplementation> parse_peer_implementation(std::string_view text) {
    if (text == "strongswan")
        return PeerImplementation::strongswan;
    if (text == "libreswan")
        return PeerImplementation::libreswan;
    if (text == "other")
        return PeerImplementation::other;
    return std::nullopt;
}

std::string_view to_string(BackendKind kind) {
    switch (kind) {
    case BackendKind::native:
        return "native";
    case BackendKind::vici:
        return "vici";
    case BackendKind::exec:
        return "exec";
    }
    return "?";
}

bool PeerConfig::is_prefix() const {
    return prefix_len.has_value();
}

bool PeerConfig::covers(const ike::IpAddress& source) const {
    return prefix_len ? prefix_covers(address, *prefix_len, source) : address == source;
}

std::string PeerConfig::address_text() const {
    return prefix_len ? cat(address.to_string(), "/", *prefix_len) : address.to_string();
}

const PeerConfig* DaemonConfig::find_peer(const ike::IpAddress& address) const {
    const PeerConfig* best = nullptr;
    const auto length = [](const PeerConfig& p) { return p.prefix_len.value_or(129); };
    for (const auto& peer : peers)
        if (peer.covers(address) && (!best || length(peer) > length(*best)))
            best = &peer;
    return best;
}

po::options_description global_options() {
    po::options_description desc("Daemon options (also valid in the configuration file)");
    // No default_value(): an absent value must not mask the file's, so defaults live in
    // DaemonConfig and are named in the help text.
    for (const auto& option : number_options)
        desc.add_options()(option.name, po::value<std::string>(),
                           cat(option.help, " [", option.min, "-", option.max, "]").c_str());
    desc.add_options()("log-level", po::value<std::string>(),
                       "error, warning, notice, info or debug (info)")(
        "log-stderr", po::value<bool>(), "also log to stderr (no)")("syslog", po::value<bool>(),
                                                                    "log to syslog/journald (yes)")(
        "vici-socket", po::value<std::string>(),
        "strongSwan vici socket, e.g. /var/run/charon.vici (none)")(
        "state-file", po::value<std::string>(),
        "per-peer status, read by --status (/run/spirecoveryd/status)");
    return desc;
}

ConfigResult parse_config(std::istream& in, const std::string& source,
                          std::optional<mode_t> file_mode, const po::variables_map& overrides) {
    ConfigResult result;
    auto& errors = result.errors;
    const auto desc = global_options();

    po::parsed_options parsed(&desc);
    try {
        parsed = po::parse_config_file(in, desc, true);
    } catch (const po::error& e) {
        errors.push_back(cat(source, ": ", program_options_message(e)));
        return result;
    }

    // Command-line values first: store() keeps the value it saw first.
    po::variables_map vm = overrides;
    std::map<std::string, PeerKeys> peer_keys;
    std::vector<std::string> peer_order;
    std::set<std::string> seen_globals;
    std::map<std::string, std::string> module_keys; // [module], read by module_settings.cpp
    po::parsed_options registered(&desc);
    for (const auto& opt : parsed.options) {
        if (!opt.unregistered) {
            if (!seen_globals.insert(opt.string_key).second)
                errors.push_back(cat(source, ": ", opt.string_key, " is set twice"));
            registered.options.push_back(opt);
            continue;
        }
        const std::string& key = opt.string_key;
        if (key.rfind(module_section_prefix, 0) == 0) {
            const std::string field = key.substr(module_section_prefix.size());
            const std::string value = opt.value.empty() ? std::string() : trim(opt.value.front());
            if (!module_keys.emplace(field, value).second)
                errors.push_back(cat(source, ": [module] ", field, " is set twice"));
            continue;
        }
        const auto dot = key.find('.', peer_prefix.size());
        if (key.rfind(peer_prefix, 0) != 0 || dot == std::string::npos ||
            dot == peer_prefix.size()) {
            errors.push_back(cat(source, ": unknown option '", key, "'"));
            continue;
        }
        const std::string name = key.substr(peer_prefix.size(), dot - peer_prefix.size());
        const std::string field = key.substr(dot + 1);
        auto [it, fresh] = peer_keys.try_emplace(name);
        if (fresh)
            peer_order.push_back(name);
        const std::string value = opt.value.empty() ? std::string() : trim(opt.value.front());
        if (!it->second.values.emplace(field, value).second)
            errors.push_back(cat(source, ": [peer.", name, "] ", field, " is set twice"));
    }
    try {
        po::store(registered, vm);
    } catch (const po::error& e) {
        errors.push_back(cat(source, ": ", program_options_message(e)));
        return result;
    }

    DaemonConfig cfg;
    apply_globals(vm, cfg, errors);
    if (const auto filter = module_keys.find(std::string(peer_filter_key));
        filter != module_keys.end()) {
        if (filter->second == "yes" || filter->second == "no")
            cfg.peer_filter = filter->second == "yes";
        else
            errors.push_back(
                cat("[module]: peer-filter must be yes or no, not '", filter->second, "'"));
        module_keys.erase(filter);
    }
    cfg.module = parse_module_settings(module_keys, errors);
    for (const auto& name : peer_order)
        build_peer(name, peer_keys[name], cfg, file_mode, source, errors, result.warnings,
                   cfg.peers);

    for (auto it = cfg.peers.begin(); it != cfg.peers.end(); ++it) {
        auto first = std::find_if(cfg.peers.begin(), it, [&](const PeerConfig& p) {
            return p.address == it->address && p.prefix_len == it->prefix_len;
        });
        if (first != it)
            errors.push_back(cat("[peer.", it->name, "]: address ", it->address_text(),
                                 " is already used by [peer.", first->name, "]"));
    }
    if (cfg.peers.empty() && errors.empty())
        errors.push_back(cat(source, ": no [peer.NAME] section: nothing to recover"));

    if (errors.empty())
        result.config = std::move(cfg);
    return result;
}

ConfigResult load_config(const std::string& path, const po::variables_map& overrides) {
    std::ifstream in(path);
    struct stat st {};
    if (!in || stat(path.c_str(), &st) != 0) {
        ConfigResult result;
        result.errors.push_back(
            cat("cannot open configuration file ", path, ": ", std::strerror(errno)));
        return result;
    }
    return parse_config(in, path, st.st_mode, overrides);
}

} // namespace spirecovery
