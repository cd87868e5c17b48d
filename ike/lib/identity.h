// SPDX-License-Identifier: GPL-2.0
// IKE identities (RFC 7296 3.5) and their textual form.
#pragma once

#include <string>
#include <string_view>

#include "ike/lib/bytes.h"
#include "ike/lib/constants.h"
#include "ike/lib/result.h"

namespace spirecovery::ike {

struct Identity {
    IdType type = IdType::fqdn;
    Bytes data; // the Identification Data field, exactly as sent

    // Parses the syntax strongSwan uses for `id =` in swanctl.conf, so the same string names the
    // same identity on both sides:
    //   "192.0.2.1", "2001:db8::1"         ID_IPV4_ADDR / ID_IPV6_ADDR
    //   "user@example.org"                 ID_RFC822_ADDR
    //   "@example.org", "example.org"      ID_FQDN (a leading '@' is dropped)
    //   "@#0a1b2c"                         ID_KEY_ID given in hex
    //   "ipv4:", "ipv6:", "fqdn:", "email:", "rfc822:", "keyid:" prefixes force the type
    //   ("keyid:" takes the key id as text, "keyid:#0a1b" as hex).
    static Result<Identity> parse(std::string_view text);

    std::string to_string() const;
    bool operator==(const Identity&) const = default;
};

} // namespace spirecovery::ike
