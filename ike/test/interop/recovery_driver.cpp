// SPDX-License-Identifier: GPL-2.0
// Runs one RecoveryExchange over a real UDP socket, for interop tests against strongSwan.
// Not the daemon: no events, no configuration files, one exchange, exit status = outcome.
//
//   recovery_driver --local ADDR --remote ADDR --id ID [--remote-id ID] --psk-env VAR
//                   [--spi HEX] [--proposal P]... [--remote-port N] [--nat-t] [--abandon]
// --abandon sends IKE_SA_INIT and exits, leaving a half-open IKE SA at the peer (to make a
// strongSwan with a low cookie_threshold demand a COOKIE from the next initiator).
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "ike/lib/recovery_exchange.h"

using namespace spirecovery::ike;

namespace {

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr,
                 "recovery_driver: %s\n"
                 "usage: recovery_driver --local ADDR --remote ADDR --id ID [--remote-id ID]\n"
                 "       --psk-env VAR [--spi HEX] [--proposal P]... [--remote-port N] [--nat-t]\n"
                 "       [--abandon]\n",
                 why.c_str());
    std::exit(2);
}

sockaddr_storage to_sockaddr(const Endpoint& endpoint, socklen_t& length) {
    sockaddr_storage storage{};
    const ByteView bytes = endpoint.address.bytes();
    if (endpoint.address.family() == IpAddress::Family::ipv4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(endpoint.port);
        std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
        length = sizeof(sockaddr_in);
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(endpoint.port);
        std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
        length = sizeof(sockaddr_in6);
    }
    return storage;
}

Endpoint from_sockaddr(const sockaddr_storage& storage) {
    if (storage.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
        std::array<std::uint8_t, 4> octets{};
        std::memcpy(octets.data(), &sin->sin_addr, octets.size());
        return Endpoint{IpAddress::v4(octets), ntohs(sin->sin_port)};
    }
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    std::array<std::uint8_t, 16> octets{};
    std::memcpy(octets.data(), &sin6->sin6_addr, octets.size());
    return Endpoint{IpAddress::v6(octets), ntohs(sin6->sin6_port)};
}

Identity identity_or_exit(const char* text) {
    auto id = Identity::parse(text);
    if (!id)
        usage(id.error().message);
    return id.value();
}

IpAddress address_or_exit(const char* text) {
    auto address = IpAddress::parse(text);
    if (!address)
        usage(std::string("not an IP address: ") + text);
    return *address;
}

} // namespace

int main(int argc, char** argv) {
    RecoveryConfig config;
    const char* psk_variable = nullptr;
    bool have_local = false, have_remote = false, have_id = false;
    bool abandon = false;
    config.remote.port = ike_port;
    for (int i = 1; i < argc; ++i) {
        const std::string_view option = argv[i];
        if (option == "--nat-t") {
            config.start_with_nat_t = true;
            continue;
        }
        if (option == "--abandon") {
            abandon = true;
            continue;
        }
        if (i + 1 >= argc)
            usage("missing value for " + std::string(option));
        const char* value = argv[++i];
        if (option == "--local") {
            config.local.address = address_or_exit(value);
            have_local = true;
        } else if (option == "--remote") {
            config.remote.address = address_or_exit(value);
            have_remote = true;
        } else if (option == "--remote-port") {
            config.remote.port = static_cast<std::uint16_t>(std::strtoul(value, nullptr, 10));
        } else if (option == "--id") {
            config.local_id = identity_or_exit(value);
            have_id = true;
        } else if (option == "--remote-id") {
            config.remote_id = identity_or_exit(value);
        } else if (option == "--psk-env") {
            psk_variable = value;
        } else if (option == "--spi") {
            config.stale_sa.spi = static_cast<std::uint32_t>(std::strtoul(value, nullptr, 16));
        } else if (option == "--proposal") {
            auto proposal = IkeProposal::parse(value);
            if (!proposal)
                usage(proposal.error().message);
            config.proposals.push_back(proposal.value());
        } else {
            usage("unknown option " + std::string(option));
        }
    }
    if (!have_local || !have_remote || !have_id || !psk_variable)
        usage("--local, --remote, --id and --psk-env are required");
    const char* psk = std::getenv(psk_variable);
    if (!psk || !*psk)
        usage(std::string("environment variable ") + psk_variable + " is empty");
    config.psk = to_secure(ByteView(reinterpret_cast<const std::uint8_t*>(psk), std::strlen(psk)));
    if (config.proposals.empty())
        config.proposals.push_back(IkeProposal::parse("aes256gcm16-prfsha256-x25519").value());

    const int family =
        config.local.address.family() == IpAddress::Family::ipv4 ? AF_INET : AF_INET6;
    const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    socklen_t length = 0;
    sockaddr_storage local = to_sockaddr(config.local, length);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&local), length) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
        std::perror("recovery_driver: socket");
        return 1;
    }
    config.local = from_sockaddr(local);
    const IpAddress remote_address = config.remote.address;

    crypto::SystemRandom random;
    crypto::FreshDhKeys keys;
    const SteadyClock clock;
    RecoveryExchange exchange(std::move(config), random, keys, clock);
    std::vector<Action> pending = exchange.start();
    using Clock = std::chrono::steady_clock;
    Clock::time_point deadline = Clock::time_point::max();
    int status = 1;
    bool done = false;
    while (!done) {
        for (const Action& action : pending) {
            if (const auto* send = std::get_if<Send>(&action)) {
                Bytes datagram = send->non_esp_marker ? Bytes(4, 0) : Bytes{};
                datagram.insert(datagram.end(), send->message.begin(), send->message.end());
                socklen_t peer_length = 0;
                sockaddr_storage peer =
                    to_sockaddr(Endpoint{remote_address, send->destination_port}, peer_length);
                if (sendto(fd, datagram.data(), datagram.size(), 0,
                           reinterpret_cast<sockaddr*>(&peer), peer_length) < 0)
                    std::perror("recovery_driver: sendto");
            } else if (const auto* timer = std::get_if<ArmTimer>(&action)) {
                deadline = timer->deadline;
            } else if (const auto* log = std::get_if<Log>(&action)) {
                static constexpr const char* levels[] = {"debug", "info", "warning", "error"};
                std::printf("%s: %s\n", levels[static_cast<int>(log->level)], log->text.c_str());
            } else if (const auto* result = std::get_if<Done>(&action)) {
                std::printf("done: %s: %s\n", result->success ? "success" : "failure",
                            result->reason.c_str());
                status = result->success ? 0 : 1;
                done = true;
            }
        }
        std::fflush(stdout);
        pending.clear();
        if (done || abandon)
            break;
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd poller{fd, POLLIN, 0};
        const int ready = poll(&poller, 1, static_cast<int>(std::max<long>(0, wait.count())));
        if (ready == 0) {
            pending = exchange.on_timer();
            continue;
        }
        std::uint8_t buffer[65536];
        sockaddr_storage from{};
        socklen_t from_length = sizeof(from);
        const ssize_t received = recvfrom(fd, buffer, sizeof(buffer), 0,
                                          reinterpret_cast<sockaddr*>(&from), &from_length);
        if (received < 0)
            continue;
        const Endpoint source = from_sockaddr(from);
        ByteView message(buffer, static_cast<std::size_t>(received));
        // RFC 3948 2.2: IKE on the NAT-T port starts with four zero bytes; strip them.
        if (source.port == nat_t_port) {
            if (message.size() < 4 || message[0] || message[1] || message[2] || message[3])
                continue;
            message = message.subspan(4);
        }
        pending = exchange.on_datagram(message, source);
    }
    close(fd);
    return status;
}
