// SPDX-License-Identifier: GPL-2.0-only
// spirecoveryd: turns the spirecovery module's invalid-SPI events into recovered tunnels.
#include <algorithm>
#include <charconv>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "ike/daemon/config.hpp"
#include "ike/daemon/daemon.hpp"
#include "tools/lib/program_options_error.h"

namespace po = boost::program_options;
using namespace spirecovery;

namespace {

constexpr const char* default_config = "/etc/spirecoveryd.conf";

int print_status(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "spirecoveryd: no state file " << path << ": is spirecoveryd running?\n";
        return 1;
    }
    std::cout << in.rdbuf();
    return 0;
}

void print_errors(const std::vector<std::string>& errors) {
    for (const auto& e : errors)
        std::cerr << "spirecoveryd: error: " << e << "\n";
}

} // namespace

int main(int argc, char** argv) {
    po::options_description cli("Usage: spirecoveryd [options]\n\nCommands");
    cli.add_options()("help,h", "show this help")(
        "config,c", po::value<std::string>()->default_value(default_config), "configuration file")(
        "check-config", "validate the configuration, print a summary, exit 0 or 1")(
        "status", "print the per-peer state of the running daemon")(
        "recover", po::value<std::string>(),
        "recover peer NAME once now, under the usual rules, and exit 0 on success")(
        "spi", po::value<std::string>(), "with --recover: the stale SPI to report (hex)");
    cli.add(global_options());

    po::variables_map overrides;
    try {
        po::store(po::parse_command_line(argc, argv, cli), overrides);
    } catch (const po::error& e) {
        std::cerr << "spirecoveryd: " << program_options_message(e) << "\n";
        return 1;
    }
    if (overrides.count("help")) {
        std::cout << cli << "\nSee Documentation/spirecoveryd.md for the file format.\n";
        return 0;
    }

    const std::string path = overrides["config"].as<std::string>();
    ConfigResult loaded = load_config(path, overrides);

    if (overrides.count("status")) {
        if (loaded.config)
            return print_status(loaded.config->state_file);
        // The daemon's state is worth showing even when the file has been broken since.
        if (overrides.count("state-file"))
            return print_status(overrides["state-file"].as<std::string>());
        return print_status(DaemonConfig{}.state_file);
    }
    if (!loaded.config) {
        print_errors(loaded.errors);
        return 1;
    }
    const DaemonConfig& config = *loaded.config;

    if (overrides.count("check-config")) {
        std::cout << path << ": OK, " << config.peers.size() << " peer(s)\n";
        if (!config.module.empty())
            std::cout << "  module: " << describe_module_settings(config.module) << "\n";
        for (const auto& peer : config.peers) {
            std::cout << "  peer " << peer.name << ": " << peer.address.to_string()
                      << (peer.enabled ? "" : " (disabled)") << ", backends";
            for (auto kind : peer.backends)
                std::cout << " " << to_string(kind);
            std::cout << "\n";
        }
        return 0;
    }

    // Blocked before any thread exists so that every thread inherits the mask and only the
    // main loop's signalfd sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Logger log({config.log_level, config.log_syslog, config.log_stderr});
    try {
        Daemon daemon(config, log);
        if (overrides.count("recover")) {
            const std::string name = overrides["recover"].as<std::string>();
            const auto peer = std::find_if(config.peers.begin(), config.peers.end(),
                                           [&](const PeerConfig& p) { return p.name == name; });
            if (peer == config.peers.end()) {
                std::cerr << "spirecoveryd: no [peer." << name << "] in " << path << "\n";
                return 1;
            }
            std::optional<uint32_t> spi;
            if (overrides.count("spi")) {
                const std::string text = overrides["spi"].as<std::string>();
                const size_t skip = text.rfind("0x", 0) == 0 ? 2 : 0;
                uint32_t value = 0;
                auto [end, ec] =
                    std::from_chars(text.data() + skip, text.data() + text.size(), value, 16);
                if (ec != std::errc() || end != text.data() + text.size()) {
                    std::cerr << "spirecoveryd: --spi wants a hex SPI, not '" << text << "'\n";
                    return 1;
                }
                spi = value;
            }
            return daemon.recover_now(*peer, spi) ? 0 : 1;
        }
        return daemon.run();
    } catch (const std::exception& e) {
        log.error(cat("fatal: ", e.what()));
        return 1;
    }
}
