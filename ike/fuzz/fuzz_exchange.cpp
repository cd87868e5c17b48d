// The IKE_SA_INIT response handling of the state machine (proposal selection, KE, cookie,
// INVALID_KE_PAYLOAD, NAT detection): a fresh exchange, one fuzzed datagram from the peer.
#include "ike/fuzz/fuzz_common.h"

using namespace spirecovery::ike;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::FixedRandom random;
    RecoveryExchange exchange(fuzz::exchange_config(), random);
    const TimePoint start{};
    (void)exchange.start(start);
    const Endpoint peer = fuzz::exchange_config().remote;
    (void)exchange.on_datagram(ByteView(data, size), peer, start);
    (void)exchange.on_timer(start + std::chrono::seconds(1));
    return 0;
}
