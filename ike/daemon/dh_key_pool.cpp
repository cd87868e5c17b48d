// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/dh_key_pool.h"

#include <algorithm>

namespace spirecovery {

DhKeyPool::DhKeyPool(const std::set<ike::DhGroup>& groups, Generator generate)
    : generate_(std::move(generate)) {
    for (auto group : groups)
        ready_.emplace(group, generate_(group));
    refiller_ = std::jthread([this](std::stop_token stop) { refill(stop); });
}

DhKeyPool::~DhKeyPool() {
    refiller_.request_stop();
    changed_.notify_all();
}

ike::crypto::DhKey DhKeyPool::take(ike::DhGroup group) {
    {
        std::lock_guard lock(mutex_);
        auto& slot = ready_[group];
        if (slot) {
            ike::crypto::DhKey key = std::move(*slot);
            slot.reset();
            changed_.notify_all();
            return key;
        }
    }
    changed_.notify_all(); // the slot, maybe created just now, wants filling
    // Nothing ready: generating here is what the caller would have done without a pool.
    return generate_(group);
}

bool DhKeyPool::full() const {
    return std::all_of(ready_.begin(), ready_.end(),
                       [](const auto& slot) { return slot.second.has_value(); });
}

void DhKeyPool::wait_full() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return full(); });
}

void DhKeyPool::refill(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (changed_.wait(lock, stop, [this] { return !full(); })) {
        const auto empty = std::find_if(ready_.begin(), ready_.end(),
                                        [](const auto& slot) { return !slot.second; });
        const ike::DhGroup group = empty->first;
        lock.unlock();
        std::optional<ike::crypto::DhKey> key;
        try {
            key.emplace(generate_(group));
        } catch (const ike::crypto::CryptoError&) {
            // Not retried in a loop: the group loses its slot until the next take() of it,
            // which generates on its own thread and so reports the failure to its exchange.
        }
        lock.lock();
        if (!key)
            ready_.erase(group);
        else if (auto& slot = ready_[group]; !slot)
            slot = std::move(key);
        changed_.notify_all();
    }
}

} // namespace spirecovery
