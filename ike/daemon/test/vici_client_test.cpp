// SPDX-License-Identifier: GPL-2.0
#include <sys/socket.h>
#include <thread>

#include <gtest/gtest.h>

#include "ike/daemon/test/test_data.h"
#include "ike/daemon/vici/client.h"

using namespace spirecovery;
using namespace spirecovery::vici;

namespace {

bool read_all(int fd, uint8_t* out, size_t n) {
    while (n) {
        const ssize_t r = ::read(fd, out, n);
        if (r <= 0)
            return false;
        out += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

void write_frame(int fd, const ike::Bytes& segment) {
    const uint32_t len = static_cast<uint32_t>(segment.size());
    ike::Bytes wire{static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
                    static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
    wire.insert(wire.end(), segment.begin(), segment.end());
    ASSERT_EQ(::write(fd, wire.data(), wire.size()), static_cast<ssize_t>(wire.size()));
}

// Plays charon's side of a recorded conversation: checks that the client sends exactly the
// recorded bytes and answers with what charon answered.
class ReplayServer {
public:
    explicit ReplayServer(const std::string& recording)
        : packets_(test::load_recording(recording)) {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw std::runtime_error("socketpair");
        client_fd_ = UniqueFd(fds[0]);
        server_fd_ = UniqueFd(fds[1]);
        thread_ = std::thread([this] { play(); });
    }
    ~ReplayServer() {
        server_fd_.reset(); // unblocks a read still waiting for the client
        thread_.join();
    }
    UniqueFd take_client() { return std::move(client_fd_); }
    std::vector<std::string> mismatches() const { return mismatches_; }

private:
    void play() {
        for (const auto& p : packets_) {
            if (!p.from_client) {
                write_frame(server_fd_.get(), p.segment);
                continue;
            }
            uint8_t header[4];
            if (!read_all(server_fd_.get(), header, 4)) {
                mismatches_.push_back("client closed before sending a recorded packet");
                return;
            }
            const size_t len =
                static_cast<size_t>(header[0]) << 24 | header[1] << 16 | header[2] << 8 | header[3];
            ike::Bytes got(len);
            if (!read_all(server_fd_.get(), got.data(), len) || got != p.segment)
                mismatches_.push_back("client sent other bytes than recorded");
        }
    }

    std::vector<test::RecordedPacket> packets_;
    UniqueFd client_fd_, server_fd_;
    std::vector<std::string> mismatches_;
    std::thread thread_;
};

auto soon() {
    return Clock::now() + std::chrono::seconds(5);
}

} // namespace

TEST(ViciClient, ListConnsAgainstRecordedCharon) {
    std::vector<std::string> events;
    {
        ReplayServer server("list_conns.vici");
        Client client(server.take_client());
        ASSERT_TRUE(client.register_event("list-conn", soon()));
        auto res = client.command(
            "list-conns", {},
            [&](const std::string& name, const Message& msg) {
                events.push_back(name);
                EXPECT_NE(msg.section("tunnel"), nullptr);
            },
            soon());
        ASSERT_TRUE(res) << res.error().message;
        EXPECT_TRUE(res->entries.empty());
        EXPECT_TRUE(server.mismatches().empty()) << server.mismatches().front();
    }
    EXPECT_EQ(events, std::vector<std::string>{"list-conn"});
}

TEST(ViciClient, FailedInitiateRelaysControlLog) {
    ReplayServer server("initiate_failed.vici");
    Client client(server.take_client());
    ASSERT_TRUE(client.register_event("control-log", soon()));
    Message req;
    req.add_value("child", "net")
        .add_value("ike", "tunnel")
        .add_value("timeout", "5000")
        .add_value("init-limits", "no")
        .add_value("loglevel", "1");
    std::vector<std::string> lines;
    auto res = client.command(
        "initiate", req,
        [&](const std::string& name, const Message& msg) {
            ASSERT_EQ(name, "control-log");
            ASSERT_NE(msg.value("msg"), nullptr);
            lines.push_back(*msg.value("msg"));
        },
        soon());
    ASSERT_TRUE(res) << res.error().message;
    ASSERT_NE(res->value("success"), nullptr);
    EXPECT_EQ(*res->value("success"), "no");
    EXPECT_FALSE(lines.empty());
    EXPECT_TRUE(server.mismatches().empty());
}

TEST(ViciClient, UnknownCommandAndEvent) {
    {
        ReplayServer server("unknown_command.vici");
        Client client(server.take_client());
        auto res = client.command("no-such-command", {}, nullptr, soon());
        ASSERT_FALSE(res);
        EXPECT_NE(res.error().message.find("unknown"), std::string::npos);
    }
    {
        ReplayServer server("unknown_event.vici");
        Client client(server.take_client());
        auto st = client.register_event("no-such-event", soon());
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().message.find("no-such-event"), std::string::npos);
    }
}

TEST(ViciClient, TimesOutOnASilentDaemon) {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    UniqueFd server(fds[1]);
    Client client{UniqueFd(fds[0])};
    const auto start = Clock::now();
    auto res = client.command("version", {}, nullptr, start + std::chrono::milliseconds(200));
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().message.find("timed out"), std::string::npos);
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(200));
}

TEST(ViciClient, ClosedOrLyingDaemon) {
    for (const ike::Bytes& reply :
         {ike::Bytes{0, 0, 0}, ike::Bytes{0, 0, 0, 0}, ike::Bytes{0x7f, 0, 0, 0, 1}}) {
        int fds[2];
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        UniqueFd server(fds[1]);
        Client client{UniqueFd(fds[0])};
        ASSERT_EQ(::write(server.get(), reply.data(), reply.size()),
                  static_cast<ssize_t>(reply.size()));
        server.reset(); // the daemon hangs up after a partial or absurd frame
        auto res = client.command("version", {}, nullptr, soon());
        EXPECT_FALSE(res);
    }
}

TEST(ViciClient, ConnectFailsClearly) {
    auto client = Client::connect("/nonexistent/charon.vici", soon());
    ASSERT_FALSE(client);
    EXPECT_NE(client.error().message.find("/nonexistent/charon.vici"), std::string::npos);
    EXPECT_NE(client.error().message.find("No such file"), std::string::npos);
}
