// SPDX-License-Identifier: GPL-2.0
// Recorded vici conversations (test/data/*.vici, made by test/record_vici.py).
#pragma once

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ike/lib/bytes.h"

namespace spirecovery::test {

struct RecordedPacket {
    bool from_client = false; // ">" lines: what the client sent
    ike::Bytes segment;       // without the 4-byte length header
};

inline std::vector<RecordedPacket> load_recording(const std::string& name) {
    const char* dir = std::getenv("SPIRECOVERYD_TEST_DATA");
    const std::string path = std::string(dir ? dir : "ike/daemon/test/data") + "/" + name;
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    std::vector<RecordedPacket> packets;
    std::string direction, hex;
    while (in >> direction >> hex) {
        RecordedPacket p;
        p.from_client = direction == ">";
        for (size_t i = 0; i + 1 < hex.size(); i += 2)
            p.segment.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
        packets.push_back(std::move(p));
    }
    return packets;
}

// The packets the daemon sent, in order.
inline std::vector<ike::Bytes> server_packets(const std::string& name) {
    std::vector<ike::Bytes> out;
    for (auto& p : load_recording(name))
        if (!p.from_client)
            out.push_back(std::move(p.segment));
    return out;
}

} // namespace spirecovery::test
