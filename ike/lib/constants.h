// SPDX-License-Identifier: GPL-2.0
// IKEv2 protocol numbers used by this library (IANA "IKEv2 Parameters" registry).
#pragma once

#include <cstdint>
#include <string>

namespace spirecovery::ike {

constexpr std::uint16_t ike_port = 500;
constexpr std::uint16_t nat_t_port = 4500;

// RFC 7296 3.1
enum class ExchangeType : std::uint8_t {
    ike_sa_init = 34,
    ike_auth = 35,
    create_child_sa = 36,
    informational = 37,
};

// RFC 7296 3.2 (and RFC 7383 for SKF)
enum class PayloadType : std::uint8_t {
    none = 0,
    sa = 33,
    ke = 34,
    id_initiator = 35,
    id_responder = 36,
    certificate = 37,
    certificate_request = 38,
    auth = 39,
    nonce = 40,
    notify = 41,
    delete_ = 42,
    vendor_id = 43,
    ts_initiator = 44,
    ts_responder = 45,
    encrypted = 46,
    configuration = 47,
    eap = 48,
    encrypted_fragment = 53,
};

// RFC 7296 3.3.1
enum class ProtocolId : std::uint8_t {
    none = 0,
    ike = 1,
    ah = 2,
    esp = 3,
};

// RFC 7296 3.3.2
enum class TransformType : std::uint8_t {
    encryption = 1,
    prf = 2,
    integrity = 3,
    dh_group = 4,
    esn = 5,
};

enum class EncryptionId : std::uint16_t {
    aes_cbc = 12,
    aes_gcm_16 = 20, // RFC 5282
};

enum class PrfId : std::uint16_t {
    hmac_sha2_256 = 5, // RFC 4868
    hmac_sha2_384 = 6,
    hmac_sha2_512 = 7,
};

enum class IntegrityId : std::uint16_t {
    hmac_sha2_256_128 = 12, // RFC 4868
    hmac_sha2_384_192 = 13,
    hmac_sha2_512_256 = 14,
};

enum class DhGroup : std::uint16_t {
    modp_2048 = 14,  // RFC 3526
    ecp_256 = 19,    // RFC 5903
    curve25519 = 31, // RFC 8031
};

// RFC 7296 3.3.5: the only transform attribute defined.
constexpr std::uint16_t attribute_key_length = 14;

// RFC 7296 3.5
enum class IdType : std::uint8_t {
    ipv4_addr = 1,
    fqdn = 2,
    rfc822_addr = 3,
    ipv6_addr = 5,
    der_asn1_dn = 9,
    der_asn1_gn = 10,
    key_id = 11,
};

// RFC 7296 3.8
enum class AuthMethod : std::uint8_t {
    rsa_signature = 1,
    shared_key_mic = 2,
    dss_signature = 3,
    digital_signature = 14, // RFC 7427
};

// RFC 7296 3.10.1; error types are below 16384, status types from 16384 on.
enum class NotifyType : std::uint16_t {
    unsupported_critical_payload = 1,
    invalid_ike_spi = 4,
    invalid_major_version = 5,
    invalid_syntax = 7,
    invalid_message_id = 9,
    invalid_spi = 11,
    no_proposal_chosen = 14,
    invalid_ke_payload = 17,
    authentication_failed = 24,
    single_pair_required = 34,
    no_additional_sas = 35,
    internal_address_failure = 36,
    failed_cp_required = 37,
    ts_unacceptable = 38,
    invalid_selectors = 39,
    temporary_failure = 43,
    child_sa_not_found = 44,
    initial_contact = 16384,
    set_window_size = 16385,
    nat_detection_source_ip = 16388,
    nat_detection_destination_ip = 16389,
    cookie = 16390,
    multiple_auth_supported = 16404,
    redirect_supported = 16406,
    childless_ikev2_supported = 16418,     // RFC 6023
    ikev2_fragmentation_supported = 16430, // RFC 7383
    signature_hash_algorithms = 16431,     // RFC 7427
};

constexpr std::uint16_t first_status_notify = 16384;

inline bool is_error_notify(std::uint16_t type) {
    return type < first_status_notify;
}

// Names as RFC 7296 spells them, for log lines; unknown values print as numbers.
std::string to_string(ExchangeType type);
std::string to_string(PayloadType type);
std::string notify_name(std::uint16_t type);
std::string to_string(EncryptionId id);
std::string to_string(PrfId id);
std::string to_string(IntegrityId id);
std::string to_string(DhGroup group);

} // namespace spirecovery::ike
