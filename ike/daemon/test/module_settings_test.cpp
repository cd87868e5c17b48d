// SPDX-License-Identifier: GPL-2.0
#include <sstream>

#include <gtest/gtest.h>

#include "ike/daemon/config.h"
#include "ike/daemon/module_settings.h"
#include "uapi/linux/spirecovery.h"

using namespace spirecovery;

namespace {

const std::string peer = "[peer.a]\naddress = 192.0.2.1\nexec-command = /bin/true\n";

ConfigResult parse(const std::string& text) {
    std::istringstream in(text);
    return parse_config(in, "test.conf", 0600, {});
}

TEST(ModuleSettings, NoSectionSetsNothing) {
    const auto result = parse(peer);
    ASSERT_TRUE(result.config);
    EXPECT_TRUE(result.config->module.empty());
}

TEST(ModuleSettings, KeysAreThoseOfSpirecoveryctlSet) {
    const auto result = parse("[module]\nenabled = yes\nsource-rate = 5\nsource-burst = 10\n"
                              "global-rate = 100\nglobal-burst = 200\nipv6-prefix = 48\n" +
                              peer);
    ASSERT_TRUE(result.config) << result.errors.front();
    const ctl::ConfigChange expected{
        {SPIRECOVERY_A_CONFIG_ENABLED, 1},        {SPIRECOVERY_A_CONFIG_SOURCE_RATE, 5},
        {SPIRECOVERY_A_CONFIG_SOURCE_BURST, 10},  {SPIRECOVERY_A_CONFIG_GLOBAL_RATE, 100},
        {SPIRECOVERY_A_CONFIG_GLOBAL_BURST, 200}, {SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 48},
    };
    EXPECT_EQ(result.config->module, expected);
    EXPECT_EQ(describe_module_settings(result.config->module),
              "enabled yes, source-rate 5, source-burst 10, global-rate 100, global-burst 200, "
              "ipv6-prefix 48");
}

TEST(ModuleSettings, AbsentKeysAreLeftAlone) {
    const auto result = parse("[module]\nenabled = no\n" + peer);
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->module, (ctl::ConfigChange{{SPIRECOVERY_A_CONFIG_ENABLED, 0}}));
}

TEST(ModuleSettings, ErrorsNameTheKeyAndTheRange) {
    const auto result = parse("[module]\nenabled = maybe\nsource-rate = 0\nipv6-prefix = 129\n"
                              "global-burst = 0x10\ncolour = blue\n" +
                              peer);
    EXPECT_FALSE(result.config);
    const std::vector<std::string> expected{
        "[module]: unknown key 'colour' (keys: enabled, source-rate, source-burst, global-rate, "
        "global-burst, ipv6-prefix, peer-filter)",
        "[module]: enabled must be yes or no, not 'maybe'",
        "[module]: global-burst must be 1..1000000, not '0x10'",
        "[module]: ipv6-prefix must be 1..128, not '129'",
        "[module]: source-rate must be 1..1000000, not '0'",
    };
    EXPECT_EQ(result.errors, expected);
}

TEST(ModuleSettings, AKeySetTwiceIsAnError) {
    const auto result = parse("[module]\nenabled = yes\nenabled = no\n" + peer);
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0], "test.conf: [module] enabled is set twice");
}

} // namespace
