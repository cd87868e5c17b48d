// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "ike/daemon/log.h"
#include "ike/daemon/module_settings.h"
#include "ike/lib/address.h"
#include "ike/lib/bytes.h"
#include "ike/lib/identity.h"
#include "ike/lib/proposal.h"
#include "ike/lib/recovery_exchange.h"

namespace spirecovery {

enum class BackendKind { native, vici, exec };

// The peer's IKE software, when the configuration names it: only for warnings about a backend
// that works badly with it.
enum class PeerImplementation { strongswan, libreswan, other };

std::optional<BackendKind> parse_backend_kind(std::string_view text);
std::string_view to_string(BackendKind kind);
std::optional<PeerImplementation> parse_peer_implementation(std::string_view text);

struct PeerConfig {
    std::string name;       // the NAME of its [peer.NAME] section
    ike::IpAddress address; // events whose source is this address concern this peer
    // A hub's spokes: `address`/`prefix_len` is a network, and events from any address in it
    // concern this peer; each spoke (the event's source) is recovered on its own. Unset: one
    // address (a /32 or /128 is stored as that).
    std::optional<unsigned> prefix_len;
    bool enabled = true;
    std::vector<BackendKind> backends; // tried in order; the next one when one is unavailable
    // The tunnel's IKE version: native speaks IKEv2 only, so an IKEv1 peer needs vici or exec.
    unsigned ike_version = 2;
    std::optional<PeerImplementation> implementation;

    // native backend
    std::optional<ike::Identity> local_id;  // our IDi, as the peer knows us
    std::optional<ike::Identity> remote_id; // the IDr we expect from the peer
    ike::SecureBytes psk;
    std::vector<ike::IkeProposal> proposals; // in order of preference
    uint16_t port = 500; // the peer's IKE port when the ESP was not UDP-encapsulated

    // Every backend: B's address toward the peer; unset: the source of B's route to it.
    std::optional<ike::IpAddress> local_address;
    // The peer sits behind a NAT: the native backend may send IKE to the UDP source port of
    // its ESP-in-UDP (the NAT's mapping) instead of 4500. Without it no packet field steers.
    bool nat_traversal = false;

    // vici: proposals of the connection derived for a NAT mapping or a spoke (list-conns does
    // not show the configured connection's); empty: charon's defaults.
    std::string vici_proposals;
    std::string vici_esp_proposals;

    // exec backend: argv template, placeholders {peer} {spi} {proto} {local}
    std::vector<std::string> exec_command;

    bool is_prefix() const;
    bool covers(const ike::IpAddress& source) const;
    // "192.0.2.1", or "198.51.100.0/24" for a prefix
    std::string address_text() const;
};

struct DaemonConfig {
    std::chrono::seconds hold_down{30};
    // Recoveries in flight at once (see config.cpp for why 8), and waiting beyond them.
    unsigned max_exchanges = 8;
    unsigned max_queued = 1024;
    LogLevel log_level = LogLevel::info;
    bool log_stderr = false;
    bool log_syslog = true;
    std::string vici_socket; // empty: no vici
    std::chrono::seconds vici_timeout{15};
    std::chrono::seconds exec_timeout{30};
    // After a backend succeeded: how long to wait for an inbound SA from the peer, which
    // proves the tunnel is back and gives the time to recover. 0: do not wait.
    std::chrono::seconds recovery_wait{120};
    ike::RetransmitPolicy retransmit;
    // Distinct ports from packets tried per nat-traversal peer in a minute, at most.
    unsigned packet_ports_per_minute = 4;
    std::string state_file = "/run/spirecoveryd/status";
    std::vector<PeerConfig> peers;
    // [module]: applied at start and whenever the module appears again; empty: never set.
    ctl::ConfigChange module;
    // [module] peer-filter: also make the enabled peers the module's peer set, so that misses
    // from any other source never become events.
    bool peer_filter = true;

    // The peer an event from `address` concerns: the peer of that address, else the one with the
    // longest prefix covering it.
    const PeerConfig* find_peer(const ike::IpAddress& address) const;
};

struct ConfigResult {
    std::optional<DaemonConfig> config; // set when errors is empty
    std::vector<std::string> errors;    // each a full sentence naming the culprit
    // Valid but most likely not what the operator wants, each naming the fix.
    std::vector<std::string> warnings;
};

// Options valid both in the file (outside any section) and on the command line.
boost::program_options::options_description global_options();

// Parses an INI-style configuration. `source` names it in messages; `file_mode` is the mode
// of the file it came from (nullopt when not from a file) to refuse inline secrets readable
// by others. Command-line values in `overrides` take precedence over the file.
ConfigResult parse_config(std::istream& in, const std::string& source,
                          std::optional<mode_t> file_mode,
                          const boost::program_options::variables_map& overrides);

// Opens `path` and calls parse_config().
ConfigResult load_config(const std::string& path,
                         const boost::program_options::variables_map& overrides);

} // namespace spirecovery
