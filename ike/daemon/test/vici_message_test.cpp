// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "ike/daemon/test/test_data.h"
#include "ike/daemon/vici/message.h"

using namespace spirecovery;
using namespace spirecovery::vici;

namespace {

ike::Bytes bytes(std::initializer_list<int> values) {
    ike::Bytes out;
    for (int v : values)
        out.push_back(static_cast<uint8_t>(v));
    return out;
}

ike::Bytes text(std::string_view s) {
    return ike::Bytes(s.begin(), s.end());
}

// The encoding example of strongSwan's vici README.
const ike::Bytes readme_example = bytes({
    3,   4,   'k', 'e', 'y', '1', 0,   6,   'v', 'a', 'l', 'u', 'e', '1', 1,   8,
    's', 'e', 'c', 't', 'i', 'o', 'n', '1', 1,   11,  's', 'u', 'b', '-', 's', 'e',
    'c', 't', 'i', 'o', 'n', 3,   4,   'k', 'e', 'y', '2', 0,   6,   'v', 'a', 'l',
    'u', 'e', '2', 2,   4,   5,   'l', 'i', 's', 't', '1', 5,   0,   5,   'i', 't',
    'e', 'm', '1', 5,   0,   5,   'i', 't', 'e', 'm', '2', 6,   2,
});

} // namespace

TEST(ViciMessage, DecodesTheReadmeExample) {
    auto msg = decode_message(readme_example);
    ASSERT_TRUE(msg) << msg.error().message;
    ASSERT_NE(msg->value("key1"), nullptr);
    EXPECT_EQ(*msg->value("key1"), "value1");
    const Section* s1 = msg->section("section1");
    ASSERT_NE(s1, nullptr);
    ASSERT_NE(s1->section("sub-section"), nullptr);
    EXPECT_EQ(*s1->section("sub-section")->value("key2"), "value2");
    ASSERT_NE(s1->list("list1"), nullptr);
    EXPECT_EQ(*s1->list("list1"), (std::vector<std::string>{"item1", "item2"}));
    EXPECT_EQ(msg->value("nothing"), nullptr);
    EXPECT_EQ(msg->section("key1"), nullptr); // a value is not a section
}

TEST(ViciMessage, EncodesTheReadmeExampleByteForByte) {
    Message msg;
    msg.add_value("key1", "value1");
    Section& s1 = msg.add_section("section1");
    s1.add_section("sub-section").add_value("key2", "value2");
    s1.add_list("list1", {"item1", "item2"});
    auto encoded = encode_message(msg);
    ASSERT_TRUE(encoded);
    EXPECT_EQ(encoded.value(), readme_example);
}

TEST(ViciMessage, RejectsMalformedMessages) {
    const std::vector<std::pair<const char*, ike::Bytes>> cases = {
        {"truncated name", bytes({3, 4, 'k', 'e'})},
        {"value longer than the buffer", bytes({3, 1, 'k', 0, 9, 'v'})},
        {"unbalanced section end", bytes({2})},
        {"unterminated section", bytes({1, 1, 's'})},
        {"item outside a list", bytes({5, 0, 1, 'x'})},
        {"list end without list", bytes({6})},
        {"nested list", bytes({4, 1, 'a', 4, 1, 'b', 6, 6})},
        {"key/value inside a list", bytes({4, 1, 'a', 3, 1, 'k', 0, 0, 6})},
        {"unterminated list", bytes({4, 1, 'a', 5, 0, 0})},
        {"unknown element", bytes({9})},
        {"element type 0", bytes({0})},
    };
    for (const auto& [what, input] : cases)
        EXPECT_FALSE(decode_message(input)) << what;
}

TEST(ViciMessage, BoundsSectionNesting) {
    ike::Bytes deep;
    for (size_t i = 0; i <= max_section_depth; i++)
        deep.insert(deep.end(), {1, 1, 's'});
    for (size_t i = 0; i <= max_section_depth; i++)
        deep.push_back(2);
    auto msg = decode_message(deep);
    ASSERT_FALSE(msg);
    EXPECT_NE(msg.error().message.find("deep"), std::string::npos);
}

TEST(ViciMessage, RefusesToEncodeOversizedFields) {
    Message long_name;
    long_name.add_value(std::string(256, 'k'), "v");
    EXPECT_FALSE(encode_message(long_name));
    Message long_value;
    long_value.add_value("k", std::string(65536, 'v'));
    EXPECT_FALSE(encode_message(long_value));
    Message fits;
    fits.add_value(std::string(255, 'k'), std::string(65535, 'v'));
    auto encoded = encode_message(fits);
    ASSERT_TRUE(encoded);
    auto decoded = decode_message(encoded.value());
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded.value(), fits);
}

TEST(ViciPacket, DecodesEveryRecordedPacket) {
    for (const char* file : {"list_conns.vici", "list_sas.vici", "initiate_failed.vici",
                             "unknown_command.vici", "unknown_event.vici"}) {
        for (const auto& packet : test::load_recording(file)) {
            auto decoded = decode_packet(packet.segment);
            ASSERT_TRUE(decoded) << file << ": " << decoded.error().message;
            // Re-encoding what charon sent gives its bytes back: same element order.
            auto encoded = encode_packet(decoded.value());
            ASSERT_TRUE(encoded);
            EXPECT_EQ(encoded.value(), packet.segment) << file;
        }
    }
}

TEST(ViciPacket, RecordedListConnHasTheConnection) {
    const auto packets = test::server_packets("list_conns.vici");
    ASSERT_GE(packets.size(), 3u); // confirm, one list-conn event, response
    auto event = decode_packet(packets[1]);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->type, PacketType::event);
    EXPECT_EQ(event->name, "list-conn");
    const Section* conn = event->message.section("tunnel");
    ASSERT_NE(conn, nullptr);
    ASSERT_NE(conn->list("remote_addrs"), nullptr);
    EXPECT_EQ(conn->list("remote_addrs")->front(), "192.0.2.1");
    ASSERT_NE(conn->section("children"), nullptr);
    EXPECT_NE(conn->section("children")->section("net"), nullptr);
    auto response = decode_packet(packets.back());
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type, PacketType::cmd_response);
}

TEST(ViciPacket, NamedAndUnnamedTypes) {
    auto confirm = decode_packet(bytes({5}));
    ASSERT_TRUE(confirm);
    EXPECT_EQ(confirm->type, PacketType::event_confirm);
    EXPECT_FALSE(decode_packet(bytes({5, 0})));           // no message allowed
    EXPECT_FALSE(decode_packet(bytes({8})));              // unknown type
    EXPECT_FALSE(decode_packet(bytes({0, 5, 'a', 'b'}))); // name truncated
    EXPECT_FALSE(decode_packet({}));

    auto request = encode_packet(Packet{PacketType::event_register, "control-log", {}});
    ASSERT_TRUE(request);
    ike::Bytes expected = bytes({3, 11});
    const auto name = text("control-log");
    expected.insert(expected.end(), name.begin(), name.end());
    EXPECT_EQ(request.value(), expected);
}
