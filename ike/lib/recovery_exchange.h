// SPDX-License-Identifier: GPL-2.0
// The invalid-SPI recovery exchange, initiator side, as an I/O-free state machine.
//
// We are B, the rebooted host. A still holds IPsec SAs for a previous incarnation of B and
// keeps sending ESP with an SPI B no longer knows. RecoveryExchange authenticates to A with
// B's PSK identity and N(INITIAL_CONTACT), which makes an unmodified strongSwan A destroy every
// other IKE SA (and its CHILD_SAs) for that identity pair (RFC 7296 2.4). Then it reports the
// stale SPI with N(INVALID_SPI) and deletes its own IKE SA:
//
//   IKE_SA_INIT    HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DEST_IP) -->
//                  <-- HDR, SAr1, KEr, Nr, N(CHILDLESS_IKEV2_SUPPORTED), [N(NAT_DETECTION_*)]
//                  (<-- N(COOKIE) or N(INVALID_KE_PAYLOAD): retry, still Message ID 0)
//   IKE_AUTH       HDR, SK {IDi, N(INITIAL_CONTACT), [IDr], AUTH} -->   (childless, RFC 6023)
//                  <-- HDR, SK {IDr, AUTH}
//   INFORMATIONAL  HDR, SK {N(INVALID_SPI)} -->          <-- HDR, SK {}
//   INFORMATIONAL  HDR, SK {D(IKE)} -->                  <-- HDR, SK {}
//
// How a daemon drives it:
//   - Build a RecoveryConfig; `local` must be the address and port the socket really sends
//     from (connect() the UDP socket to the peer, then getsockname()), because the NAT
//     detection hashes cover them.
//   - Construct RecoveryExchange(config, random, keys, clock); call start(), then
//     on_datagram() for every datagram received from the peer and on_timer() when the last
//     ArmTimer deadline passes. Randomness, ephemeral DH key pairs and time are injected:
//     the core never reads a clock or generates a key pair behind the caller's back.
//   - Execute the returned actions in order, at once:
//       Send     send `message` to config.remote.address, UDP port `destination_port`. If
//                `non_esp_marker` is set, prepend four zero bytes (RFC 3948 2.2) before sending.
//       ArmTimer (re)arm the single timer; a new ArmTimer replaces the previous deadline. A
//                retransmission deadline counts from the clock reading taken when the Send
//                was produced, after the work the message needed (key generation, DH, keys).
//       Log      log the line at `level` (one per protocol step, plus every dropped datagram).
//       Done     the exchange is over: `success` and a one-line `reason`. No further actions
//                follow; drop the timer and destroy the object.
//       ConfirmAuth  (only with `confirm_before_auth`) IKE_SA_INIT is done and IKE_AUTH with
//                INITIAL_CONTACT is next; the exchange waits, with no timer armed, until the
//                daemon calls confirm_auth(): true sends IKE_AUTH, false ends with Done.
//   - Datagrams handed to on_datagram() are IKE messages WITHOUT a non-ESP marker: on traffic
//     from the peer's NAT-T port the daemon strips the four zero bytes first (and drops
//     datagrams that do not start with them: those are ESP). `from` is the datagram's source.
//   - All calls are synchronous and non-blocking and never throw (an internal failure ends the
//     exchange with Done); the object is not thread-safe. An invalid configuration is
//     reported by start() as Done{false, "invalid configuration: ..."}.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ike/lib/address.h"
#include "ike/lib/bytes.h"
#include "ike/lib/clock.h"
#include "ike/lib/constants.h"
#include "ike/lib/crypto.h"
#include "ike/lib/identity.h"
#include "ike/lib/proposal.h"

namespace spirecovery::ike {

// RFC 7296 2.1: the initiator retransmits an unanswered request with exponential back-off.
// With the defaults a request goes out at 0, 0.5, 1.5, 3.5 and 7.5 s and is given up at 15.5 s.
struct RetransmitPolicy {
    Milliseconds initial_timeout{500};
    unsigned backoff_factor = 2;
    unsigned max_transmissions = 5;      // including the first one
    Milliseconds overall_timeout{60000}; // whole exchange, all requests together
};

// The SA whose inbound traffic triggered the recovery.
struct StaleSa {
    // Reported to the peer with N(INVALID_SPI). Unknown when the daemon lost the events that
    // named it; then no INVALID_SPI is sent (INITIAL_CONTACT alone does the work).
    std::optional<std::uint32_t> spi;
    ProtocolId protocol = ProtocolId::esp; // esp or ah; for logs, INVALID_SPI does not carry it
};

struct RecoveryConfig {
    Endpoint local;  // source address/port of our socket, used for NAT detection
    Endpoint remote; // peer's IKE address and port (normally 500)
    // Port that takes over when a NAT is detected (RFC 7296 2.23), used with the marker.
    std::uint16_t remote_nat_t_port = nat_t_port;
    // Send every message, IKE_SA_INIT included, to remote_nat_t_port with the non-ESP marker
    // (e.g. the stale SA was UDP-encapsulated and the peer sits behind a NAT).
    bool start_with_nat_t = false;

    Identity local_id;                 // IDi: the identity the peer knows us (B) by
    std::optional<Identity> remote_id; // when set: sent as IDr and required to match the
                                       // responder's IDr
    SecureBytes psk;                   // shared key of the local_id/remote_id pair

    // In order of preference; the first DH group of the first proposal goes into KEi.
    std::vector<IkeProposal> proposals;
    StaleSa stale_sa;
    RetransmitPolicy retransmit;
    // Pause with ConfirmAuth before IKE_AUTH: INITIAL_CONTACT destroys every IKE SA of the
    // identity pair on the peer, a fresh one too, so the daemon looks once more for one
    // (a re-key that began meanwhile) right before it goes out.
    bool confirm_before_auth = false;
};

struct Send {
    Bytes message; // the IKE message, without non-ESP marker
    std::uint16_t destination_port = ike_port;
    bool non_esp_marker = false;
};

struct ArmTimer {
    TimePoint deadline;
};

enum class LogLevel { debug, info, warning, error };

struct Log {
    LogLevel level = LogLevel::info;
    std::string text;
};

// success: the peer authenticated us with INITIAL_CONTACT, which is what makes it drop the
// stale SAs. A missing answer to the later INFORMATIONAL requests is mentioned in `reason`
// but does not turn success into failure.
struct Done {
    bool success = false;
    std::string reason;
};

struct ConfirmAuth {};

using Action = std::variant<Send, ArmTimer, Log, Done, ConfirmAuth>;
using Actions = std::vector<Action>;

class RecoveryExchange {
public:
    // `random` supplies SPIs, nonces and IVs, `keys` the ephemeral DH key pairs, `clock` the
    // time; all three must outlive the exchange.
    RecoveryExchange(RecoveryConfig config, crypto::RandomSource& random, crypto::DhKeySource& keys,
                     const Clock& clock);
    ~RecoveryExchange();
    RecoveryExchange(RecoveryExchange&&) noexcept;
    RecoveryExchange& operator=(RecoveryExchange&&) noexcept;

    // Validates the configuration and sends IKE_SA_INIT (or ends at once with Done). The
    // overall timeout counts from here.
    Actions start();
    // One received IKE message from `from`. Anything that is not the awaited response
    // (duplicate, late, malformed, forged) is dropped with a Log and changes nothing.
    Actions on_datagram(ByteView message, const Endpoint& from);
    // The armed deadline passed: retransmit, or give up.
    Actions on_timer();
    // The answer to ConfirmAuth: `proceed` sends IKE_AUTH, otherwise the exchange ends with
    // Done{false, "not sending IKE_AUTH: " + reason}. Ignored when no ConfirmAuth is pending.
    Actions confirm_auth(bool proceed, const std::string& reason);

    bool finished() const;

private:
    class State;
    std::unique_ptr<State> state_;
};

} // namespace spirecovery::ike
