#include "tools/src/spec.h"

namespace spirecovery::ctl::spec {

std::optional<std::string_view> encap_name(std::uint8_t value) {
    switch (value) {
    case SPIRECOVERY_ENCAP_NONE:
        return "none";
    case SPIRECOVERY_ENCAP_ESPINUDP:
        return "espinudp";
    default:
        return std::nullopt;
    }
}

} // namespace spirecovery::ctl::spec
