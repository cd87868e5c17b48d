// SPDX-License-Identifier: GPL-2.0
// Builds netlink messages the way the kernel sends them, with libnl, for the decoder tests and
// the fuzzers' seed corpus.
#pragma once

#include <cstdint>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <memory>
#include <stdexcept>
#include <vector>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

namespace spirecovery::ctl::test {

// An arbitrary generic-netlink family id, as the kernel would assign one.
inline constexpr int test_family = 0x1d;

class MessageBuilder {
public:
    explicit MessageBuilder(std::uint8_t cmd, int flags = 0, int family = test_family)
        : msg_(nlmsg_alloc(), nlmsg_free) {
        if (!msg_ || !genlmsg_put(msg_.get(), 1, 1, family, 0, flags, cmd, 1))
            throw std::runtime_error("cannot build a test message");
    }

    MessageBuilder& u8(int type, std::uint8_t v) { return check(nla_put_u8(msg_.get(), type, v)); }
    MessageBuilder& u16(int type, std::uint16_t v) {
        return check(nla_put_u16(msg_.get(), type, v));
    }
    MessageBuilder& u32(int type, std::uint32_t v) {
        return check(nla_put_u32(msg_.get(), type, v));
    }
    MessageBuilder& u64(int type, std::uint64_t v) {
        return check(nla_put_u64(msg_.get(), type, v));
    }
    MessageBuilder& bytes(int type, const std::vector<std::uint8_t>& v) {
        return check(nla_put(msg_.get(), type, static_cast<int>(v.size()), v.data()));
    }
    MessageBuilder& flag(int type) { return check(nla_put_flag(msg_.get(), type)); }
    // Attributes added between these two go into a nest of `type`.
    MessageBuilder& begin_nest(int type) {
        nests_.push_back(nla_nest_start(msg_.get(), type));
        return check(nests_.back() ? 0 : -1);
    }
    MessageBuilder& end_nest() {
        nlattr* nest = nests_.back();
        nests_.pop_back();
        return check(nla_nest_end(msg_.get(), nest));
    }

    // The whole message, as received.
    std::vector<std::uint8_t> build() const {
        const nlmsghdr* nlh = nlmsg_hdr(msg_.get());
        const auto* data = reinterpret_cast<const std::uint8_t*>(nlh);
        return {data, data + nlh->nlmsg_len};
    }

private:
    MessageBuilder& check(int err) {
        if (err < 0)
            throw std::runtime_error("cannot add a test attribute");
        return *this;
    }

    std::unique_ptr<nl_msg, void (*)(nl_msg*)> msg_;
    std::vector<nlattr*> nests_;
};

// An NLMSG_ERROR as the kernel builds it for `request`: the request's header (and, unless
// capped, its payload) after the error code, then the extended ACK attributes.
class AckBuilder {
public:
    AckBuilder(int error, const std::vector<std::uint8_t>& request, bool capped, bool tlvs)
        : msg_(nlmsg_alloc_simple(NLMSG_ERROR,
                                  (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0)),
               nlmsg_free) {
        nlmsgerr err{};
        err.error = error;
        std::memcpy(&err.msg, request.data(), sizeof err.msg);
        append(&err, sizeof err);
        if (!capped)
            append(request.data() + NLMSG_HDRLEN, request.size() - NLMSG_HDRLEN);
    }

    AckBuilder& message(const char* text) {
        return check(nla_put_string(msg_.get(), NLMSGERR_ATTR_MSG, text));
    }
    AckBuilder& offset(std::uint32_t offset) {
        return check(nla_put_u32(msg_.get(), NLMSGERR_ATTR_OFFS, offset));
    }
    AckBuilder& policy(std::uint64_t min, std::uint64_t max) {
        nlattr* nest = nla_nest_start(msg_.get(), NLMSGERR_ATTR_POLICY);
        check(nest ? 0 : -1);
        check(nla_put_u32(msg_.get(), NL_POLICY_TYPE_ATTR_TYPE, NL_ATTR_TYPE_U32));
        check(nla_put_u64(msg_.get(), NL_POLICY_TYPE_ATTR_MIN_VALUE_U, min));
        check(nla_put_u64(msg_.get(), NL_POLICY_TYPE_ATTR_MAX_VALUE_U, max));
        return check(nla_nest_end(msg_.get(), nest));
    }
    // A policy whose minimum is a u32 where the kernel sends a u64.
    AckBuilder& short_policy_bound() {
        nlattr* nest = nla_nest_start(msg_.get(), NLMSGERR_ATTR_POLICY);
        check(nest ? 0 : -1);
        check(nla_put_u32(msg_.get(), NL_POLICY_TYPE_ATTR_MIN_VALUE_U, 1));
        return check(nla_nest_end(msg_.get(), nest));
    }

    std::vector<std::uint8_t> build() const {
        const nlmsghdr* nlh = nlmsg_hdr(msg_.get());
        const auto* data = reinterpret_cast<const std::uint8_t*>(nlh);
        return {data, data + nlh->nlmsg_len};
    }

private:
    void append(const void* data, std::size_t size) {
        check(nlmsg_append(msg_.get(), const_cast<void*>(data), size, NLMSG_ALIGNTO));
    }
    AckBuilder& check(int err) {
        if (err < 0)
            throw std::runtime_error("cannot build a test acknowledgement");
        return *this;
    }

    std::unique_ptr<nl_msg, void (*)(nl_msg*)> msg_;
};

} // namespace spirecovery::ctl::test
