// SPDX-License-Identifier: GPL-2.0
// Writes a seed corpus for each fuzzer into DIR/<fuzzer>/: well-formed messages as the module
// sends them, so the fuzzers start past the length checks. Usage: seed_corpus DIR
#include <arpa/inet.h>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <linux/spirecovery.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include "tools/lib/tests/message_builder.h"

using spirecovery::ctl::test::AckBuilder;
using spirecovery::ctl::test::MessageBuilder;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::filesystem::path root;

void write(const std::string& fuzzer, const std::string& name, const Bytes& bytes) {
    const auto dir = root / fuzzer;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
}

// The fuzz inputs wrap a message: mode byte 1 is "the whole message follows", 0 is "only the
// attributes follow" (netlink_input.h); both forms are written. `extra` goes between the mode
// byte and the message (the reply fuzzer's selector).
void write_message(const std::string& fuzzer, const std::string& name, const Bytes& extra,
                   const Bytes& message) {
    constexpr std::size_t headers = NLMSG_HDRLEN + GENL_HDRLEN;
    for (const std::uint8_t mode : {0, 1}) {
        Bytes input{mode};
        input.insert(input.end(), extra.begin(), extra.end());
        input.insert(input.end(), message.begin() + (mode ? 0 : headers), message.end());
        write(fuzzer, name + (mode ? "-whole" : "-attributes"), input);
    }
}

std::uint32_t be32(const char* dotted) {
    in_addr addr{};
    inet_pton(AF_INET, dotted, &addr);
    return addr.s_addr;
}

Bytes v6(const char* text) {
    Bytes bytes(16);
    inet_pton(AF_INET6, text, bytes.data());
    return bytes;
}

void events() {
    MessageBuilder v4(SPIRECOVERY_CMD_MISS_NTF);
    v4.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET)
        .u8(SPIRECOVERY_A_EVENT_PROTO, 50)
        .u32(SPIRECOVERY_A_EVENT_SADDR4, be32("10.0.0.1"))
        .u32(SPIRECOVERY_A_EVENT_DADDR4, be32("10.0.0.2"))
        .u32(SPIRECOVERY_A_EVENT_SPI, 0x1234)
        .u32(SPIRECOVERY_A_EVENT_SEQ, 1)
        .u8(SPIRECOVERY_A_EVENT_ENCAP, 0)
        .u32(SPIRECOVERY_A_EVENT_IFINDEX, 2)
        .u32(SPIRECOVERY_A_EVENT_MARK, 0)
        .u32(SPIRECOVERY_A_EVENT_SUPPRESSED, 1)
        .u64(SPIRECOVERY_A_EVENT_TIMESTAMP, 1700000000000000000ULL);
    write_message("event", "ipv4", {}, v4.build());

    MessageBuilder v6_udp(SPIRECOVERY_CMD_MISS_NTF);
    v6_udp.u8(SPIRECOVERY_A_EVENT_FAMILY, AF_INET6)
        .u8(SPIRECOVERY_A_EVENT_PROTO, 50)
        .bytes(SPIRECOVERY_A_EVENT_SADDR6, v6("2001:db8::1"))
        .bytes(SPIRECOVERY_A_EVENT_DADDR6, v6("2001:db8::2"))
        .u32(SPIRECOVERY_A_EVENT_SPI, 0xffffffff)
        .u8(SPIRECOVERY_A_EVENT_ENCAP, 2)
        .u16(SPIRECOVERY_A_EVENT_SPORT, 4500)
        .u16(SPIRECOVERY_A_EVENT_DPORT, 4500);
    write_message("event", "ipv6-udp", {}, v6_udp.build());
}

void replies() {
    MessageBuilder config(SPIRECOVERY_CMD_GET_CONFIG);
    config.u8(SPIRECOVERY_A_CONFIG_ENABLED, 1)
        .u32(SPIRECOVERY_A_CONFIG_SOURCE_RATE, 1)
        .u32(SPIRECOVERY_A_CONFIG_SOURCE_BURST, 5)
        .u32(SPIRECOVERY_A_CONFIG_GLOBAL_RATE, 100)
        .u32(SPIRECOVERY_A_CONFIG_GLOBAL_BURST, 200)
        .u8(SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 64);
    // The reply fuzzer's second byte selects the decoder: 0 config, 1 stats, 2 source, 3 peers.
    write_message("reply", "config", {0}, config.build());

    MessageBuilder stats(SPIRECOVERY_CMD_GET_STATS);
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; ++type)
        stats.u64(type, type * 3);
    write_message("reply", "stats", {1}, stats.build());

    MessageBuilder source(SPIRECOVERY_CMD_GET_SOURCE);
    source.u8(SPIRECOVERY_A_SOURCE_FAMILY, AF_INET6)
        .bytes(SPIRECOVERY_A_SOURCE_ADDR6, v6("2001:db8::"))
        .u8(SPIRECOVERY_A_SOURCE_PREFIX_LEN, 64)
        .u32(SPIRECOVERY_A_SOURCE_TOKENS, 4)
        .u32(SPIRECOVERY_A_SOURCE_SUPPRESSED, 2)
        .u64(SPIRECOVERY_A_SOURCE_MISSES, 9)
        .u64(SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS, 250);
    write_message("reply", "source", {2}, source.build());

    MessageBuilder peers(SPIRECOVERY_CMD_PEER_GET, NLM_F_MULTI);
    peers.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("192.0.2.0"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 24)
        .end_nest()
        .begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .bytes(SPIRECOVERY_A_PEER_ADDR6, v6("2001:db8::"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 32)
        .end_nest();
    write_message("reply", "peers", {3}, peers.build());
}

void peer_texts() {
    const std::string_view texts[] = {
        "192.0.2.1",     "192.0.2.0/24",
        "2001:db8::/32", "::ffff:192.0.2.1/128",
        "192.0.2.1/24",  "# peers\n10.0.0.0/8  # lab\n\n2001:db8::1\r\n",
    };
    int i = 0;
    for (const std::string_view text : texts)
        write("peer_text", "text" + std::to_string(i++), Bytes(text.begin(), text.end()));
}

void acks() {
    MessageBuilder peer_add(SPIRECOVERY_CMD_PEER_ADD);
    peer_add.begin_nest(SPIRECOVERY_A_PEERS_PEER)
        .u32(SPIRECOVERY_A_PEER_ADDR4, be32("192.0.2.1"))
        .u8(SPIRECOVERY_A_PEER_PREFIX_LEN, 32)
        .end_nest();
    write("ack", "eexist-peer",
          AckBuilder(-EEXIST, peer_add.build(), false, true)
              .message("peer is already in the set or listed twice")
              .offset(NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN)
              .build());

    MessageBuilder request(SPIRECOVERY_CMD_SET_CONFIG);
    request.u32(SPIRECOVERY_A_CONFIG_SOURCE_RATE, 0);
    const Bytes set = request.build();
    write("ack", "erange-capped",
          AckBuilder(-ERANGE, set, true, true)
              .message("integer out of range")
              .offset(NLMSG_HDRLEN + GENL_HDRLEN)
              .policy(1, SPIRECOVERY_RATE_MAX)
              .build());
    write("ack", "einval-echoed",
          AckBuilder(-EINVAL, set, false, true).message("bad value").build());
    write("ack", "ack", AckBuilder(0, set, true, false).build());
}

void command_lines() {
    using namespace std::string_view_literals;
    const std::string_view lines[] = {
        "-j\0show"sv,
        "set\0source-rate\0"
        "10\0ipv6-prefix\0"
        "64"sv,
        "-n\0blue\0monitor\0-jt"sv,
        "stats\0-sp"sv,
        "help\0set"sv,
        // Boost's what() looped for ever on its own placeholders.
        "--%canonical_option%\0show"sv,
        "peers\0set\0-f\0-"sv,
        "peers\0add\0"
        "192.0.2.0/24\0"
        "2001:db8::1"sv,
    };
    int i = 0;
    for (const std::string_view line : lines)
        write("command_line", "line" + std::to_string(i++), Bytes(line.begin(), line.end()));
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: seed_corpus DIR\n";
        return 1;
    }
    root = argv[1];
    events();
    replies();
    acks();
    peer_texts();
    command_lines();
    return 0;
}
