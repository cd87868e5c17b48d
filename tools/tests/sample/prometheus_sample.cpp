// SPDX-License-Identifier: GPL-2.0
// For selftests/host/prometheus.py: `stats -P`'s output for given counters, without the module
// (the host cannot load it), so that a real Prometheus parser can read it.
//   prometheus_sample NETNS VALUE...   one VALUE per stats counter, in spec order
#include <iostream>
#include <string>

#include "tools/lib/number.h"
#include "tools/src/prometheus.h"

int main(int argc, char** argv) {
    using namespace spirecovery::ctl;
    constexpr int counters = SPIRECOVERY_A_STATS_MAX - SPIRECOVERY_A_STATS_PAD;
    if (argc != 2 + counters) {
        std::cerr << "usage: prometheus_sample NETNS VALUE... (" << counters << " values)\n";
        return 1;
    }
    Stats stats;
    for (int i = 0; i < counters; ++i) {
        const auto value = parse_decimal(argv[2 + i], UINT64_MAX);
        if (!value) {
            std::cerr << "prometheus_sample: not a u64: " << argv[2 + i] << "\n";
            return 1;
        }
        stats.counters[SPIRECOVERY_A_STATS_PAD + 1 + i] = *value;
    }
    std::cout << render_prometheus(stats, argv[1]);
    return std::cout.flush() ? 0 : 1;
}
