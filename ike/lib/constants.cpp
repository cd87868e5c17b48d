// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/constants.h"

namespace spirecovery::ike {

namespace {

std::string numbered(const char* what, unsigned value) {
    return std::string(what) + "(" + std::to_string(value) + ")";
}

} // namespace

std::string to_string(ExchangeType type) {
    switch (type) {
    case ExchangeType::ike_sa_init:
        return "IKE_SA_INIT";
    case ExchangeType::ike_auth:
        return "IKE_AUTH";
    case ExchangeType::create_child_sa:
        return "CREATE_CHILD_SA";
    case ExchangeType::informational:
        return "INFORMATIONAL";
    }
    return numbered("EXCHANGE", static_cast<unsigned>(type));
}

std::string to_string(PayloadType type) {
    switch (type) {
    case PayloadType::none:
        return "NONE";
    case PayloadType::sa:
        return "SA";
    case PayloadType::ke:
        return "KE";
    case PayloadType::id_initiator:
        return "IDi";
    case PayloadType::id_responder:
        return "IDr";
    case PayloadType::certificate:
        return "CERT";
    case PayloadType::certificate_request:
        return "CERTREQ";
    case PayloadType::auth:
        return "AUTH";
    case PayloadType::nonce:
        return "No";
    case PayloadType::notify:
        return "N";
    case PayloadType::delete_:
        return "D";
    case PayloadType::vendor_id:
        return "V";
    case PayloadType::ts_initiator:
        return "TSi";
    case PayloadType::ts_responder:
        return "TSr";
    case PayloadType::encrypted:
        return "SK";
    case PayloadType::configuration:
        return "CP";
    case PayloadType::eap:
        return "EAP";
    case PayloadType::encrypted_fragment:
        return "SKF";
    }
    return numbered("PAYLOAD", static_cast<unsigned>(type));
}

std::string notify_name(std::uint16_t type) {
    switch (static_cast<NotifyType>(type)) {
    case NotifyType::unsupported_critical_payload:
        return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case NotifyType::invalid_ike_spi:
        return "INVALID_IKE_SPI";
    case NotifyType::invalid_major_version:
        return "INVALID_MAJOR_VERSION";
    case NotifyType::invalid_syntax:
        return "INVALID_SYNTAX";
    case NotifyType::invalid_message_id:
        return "INVALID_MESSAGE_ID";
    case NotifyType::invalid_spi:
        return "INVALID_SPI";
    case NotifyType::no_proposal_chosen:
        return "NO_PROPOSAL_CHOSEN";
    case NotifyType::invalid_ke_payload:
        return "INVALID_KE_PAYLOAD";
    case NotifyType::authentication_failed:
        return "AUTHENTICATION_FAILED";
    case NotifyType::single_pair_required:
        return "SINGLE_PAIR_REQUIRED";
    case NotifyType::no_additional_sas:
        return "NO_ADDITIONAL_SAS";
    case NotifyType::internal_address_failure:
        return "INTERNAL_ADDRESS_FAILURE";
    case NotifyType::failed_cp_required:
        return "FAILED_CP_REQUIRED";
    case NotifyType::ts_unacceptable:
        return "TS_UNACCEPTABLE";
    case NotifyType::invalid_selectors:
        return "INVALID_SELECTORS";
    case NotifyType::temporary_failure:
        return "TEMPORARY_FAILURE";
    case NotifyType::child_sa_not_found:
        return "CHILD_SA_NOT_FOUND";
    case NotifyType::initial_contact:
        return "INITIAL_CONTACT";
    case NotifyType::set_window_size:
        return "SET_WINDOW_SIZE";
    case NotifyType::nat_detection_source_ip:
        return "NAT_DETECTION_SOURCE_IP";
    case NotifyType::nat_detection_destination_ip:
        return "NAT_DETECTION_DESTINATION_IP";
    case NotifyType::cookie:
        return "COOKIE";
    case NotifyType::multiple_auth_supported:
        return "MULTIPLE_AUTH_SUPPORTED";
    case NotifyType::redirect_supported:
        return "REDIRECT_SUPPORTED";
    case NotifyType::childless_ikev2_supported:
        return "CHILDLESS_IKEV2_SUPPORTED";
    case NotifyType::ikev2_fragmentation_supported:
        return "IKEV2_FRAGMENTATION_SUPPORTED";
    case NotifyType::signature_hash_algorithms:
        return "SIGNATURE_HASH_ALGORITHMS";
    }
    return numbered(is_error_notify(type) ? "ERROR" : "STATUS", type);
}

std::string to_string(EncryptionId id) {
    switch (id) {
    case EncryptionId::aes_cbc:
        return "AES_CBC";
    case EncryptionId::aes_gcm_16:
        return "AES_GCM_16";
    }
    return numbered("ENCR", static_cast<unsigned>(id));
}

std::string to_string(PrfId id) {
    switch (id) {
    case PrfId::hmac_sha2_256:
        return "PRF_HMAC_SHA2_256";
    case PrfId::hmac_sha2_384:
        return "PRF_HMAC_SHA2_384";
    case PrfId::hmac_sha2_512:
        return "PRF_HMAC_SHA2_512";
    }
    return numbered("PRF", static_cast<unsigned>(id));
}

std::string to_string(IntegrityId id) {
    switch (id) {
    case IntegrityId::hmac_sha2_256_128:
        return "AUTH_HMAC_SHA2_256_128";
    case IntegrityId::hmac_sha2_384_192:
        return "AUTH_HMAC_SHA2_384_192";
    case IntegrityId::hmac_sha2_512_256:
        return "AUTH_HMAC_SHA2_512_256";
    }
    return numbered("INTEG", static_cast<unsigned>(id));
}

std::string to_string(DhGroup group) {
    switch (group) {
    case DhGroup::modp_2048:
        return "MODP_2048";
    case DhGroup::ecp_256:
        return "ECP_256";
    case DhGroup::curve25519:
        return "CURVE_25519";
    }
    return numbered("DH", static_cast<unsigned>(group));
}

} // namespace spirecovery::ike
