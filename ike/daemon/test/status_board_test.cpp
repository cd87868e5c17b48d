// SPDX-License-Identifier: GPL-2.0
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "ike/daemon/status_board.h"

using namespace spirecovery;

namespace {

DaemonConfig config() {
    std::istringstream in("[peer.a]\naddress = 192.0.2.1\nlocal-id = b\nremote-id = a\npsk = k\n"
                          "[peer.off]\naddress = 192.0.2.9\nenabled = no\nlocal-id = b\n"
                          "remote-id = a\npsk = k\n");
    auto r = parse_config(in, "test", std::nullopt, {});
    if (!r.config)
        throw std::runtime_error(r.errors.front());
    return *r.config;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST(StatusBoard, KeepsTheLastOfEachPerPeerInTheStateFile) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("spirecoveryd-status-" + std::to_string(getpid()));
    const DaemonConfig cfg = config();
    Logger log({LogLevel::error, false, false});
    StatusBoard board(cfg, path.string(), log);
    const PeerConfig& a = cfg.peers[0];

    std::string text = slurp(path);
    EXPECT_NE(text.find("peer a (192.0.2.1)"), std::string::npos) << text;
    EXPECT_NE(text.find("disabled in the configuration"), std::string::npos) << text;

    board.event(a, "ESP SPI 0x00000001 seq 1 from 192.0.2.1 to 192.0.2.2");
    board.decision(a, "acting: no SA with the peer on this host");
    board.result(a, "native", "running");
    board.result(a, "native", "recovered: ESP SA SPI 0x00000002", 812);
    board.flush();
    text = slurp(path);
    EXPECT_NE(text.find("ESP SPI 0x00000001"), std::string::npos) << text;
    EXPECT_NE(text.find("acting: no SA"), std::string::npos) << text;
    EXPECT_NE(text.find("backend         native"), std::string::npos) << text;
    EXPECT_EQ(text.find("running"), std::string::npos) << text; // replaced by the result
    EXPECT_NE(text.find("time to recover 812 ms"), std::string::npos) << text;
    std::filesystem::remove(path);
}

TEST(StatusBoard, ClockTimeFormat) {
    // 2001-09-09 01:46:40.123 UTC; the hour depends on the local zone, the rest does not.
    const std::string t = clock_time(1000000000123456789ull);
    EXPECT_EQ(t.size(), 23u) << t;
    EXPECT_EQ(t.substr(t.size() - 4), ".123");
}

TEST(StatusBoard, CreatesItsDirectoryAndWritesJsonNextToTheText) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("spirecoveryd-status-dir-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    const auto path = dir / "run" / "status";
    const DaemonConfig cfg = config();
    Logger log({LogLevel::error, false, false});
    {
        StatusBoard board(cfg, path.string(), log);
        EXPECT_EQ(std::filesystem::status(path.parent_path()).permissions(),
                  std::filesystem::perms(0755));
        const PeerConfig& a = cfg.peers[0];
        board.event(a, "ESP SPI 0x00000001 \"quoted\"\tand a tab");
        board.event(a, "ESP SPI 0x00000002");
        board.schedule(a, "hold-down until later");
        board.flush();
    }
    const std::string json = slurp(json_state_file(path.string()));
    EXPECT_NE(json.find("\"name\": \"a\", \"address\": \"192.0.2.1\", \"events\": 2"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"text\": \"ESP SPI 0x00000002\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"next_recovery\": \"hold-down until later\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"name\": \"off\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"time_to_recover_ms\": null"), std::string::npos) << json;
    const std::string text = slurp(path);
    EXPECT_NE(text.find("events          2"), std::string::npos) << text;
    EXPECT_NE(text.find("next recovery   hold-down until later"), std::string::npos) << text;
    std::filesystem::remove_all(dir);
}

TEST(StatusBoard, JsonStringsAreEscaped) {
    const DaemonConfig cfg = config();
    Logger log({LogLevel::error, false, false});
    StatusBoard board(cfg, "", log);
    board.decision(cfg.peers[0], "skipped: \"x\" \\ y\n");
    const std::string json = board.render_json();
    EXPECT_NE(json.find(R"("text": "skipped: \"x\" \\ y\u000a")"), std::string::npos) << json;
}

TEST(StatusBoard, ShowsTheRecoveriesInFlightAndQueued) {
    const DaemonConfig cfg = config();
    Logger log({LogLevel::error, false, false});
    StatusBoard board(cfg, "", log);
    EXPECT_NE(board.render().find("recoveries: 0 in flight (max-exchanges 8), 0 queued (max-queued "
                                  "1024), 0 watching for the verdict\n"),
              std::string::npos)
        << board.render();
    board.recoveries(8, 92, 5);
    EXPECT_NE(
        board.render().find("recoveries: 8 in flight (max-exchanges 8), 92 queued (max-queued "
                            "1024), 5 watching for the verdict\n"),
        std::string::npos)
        << board.render();
    const std::string json = board.render_json();
    EXPECT_NE(json.find("\"in_flight\": 8, \"max_exchanges\": 8, \"queued\": 92, "
                        "\"max_queued\": 1024, \"watching\": 5, \"peers\": ["),
              std::string::npos)
        << json;
}
