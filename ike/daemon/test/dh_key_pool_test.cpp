// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ike/daemon/dh_key_pool.h"

using namespace spirecovery;
using ike::DhGroup;
using ike::crypto::DhKey;

namespace {

// Real key generation that records on which thread each key pair was made.
struct CountingGenerator {
    std::atomic<unsigned> generated{0};
    std::mutex mutex;
    std::vector<std::thread::id> threads;

    DhKeyPool::Generator generator() {
        return [this](DhGroup group) {
            {
                std::lock_guard lock(mutex);
                threads.push_back(std::this_thread::get_id());
            }
            generated++;
            return DhKey::generate(group);
        };
    }
};

} // namespace

TEST(DhKeyPool, HasOneKeyPairReadyPerGroupBeforeTheFirstTake) {
    CountingGenerator counter;
    DhKeyPool pool({DhGroup::curve25519, DhGroup::ecp_256}, counter.generator());
    EXPECT_EQ(counter.generated, 2u);
    // Ready key pairs are handed over without generating on the caller's thread.
    size_t before;
    {
        std::lock_guard lock(counter.mutex);
        before = counter.threads.size();
    }
    const DhKey key = pool.take(DhGroup::ecp_256);
    EXPECT_EQ(key.group(), DhGroup::ecp_256);
    pool.wait_full(); // the replacement
    std::lock_guard lock(counter.mutex);
    ASSERT_EQ(counter.threads.size(), before + 1);
    EXPECT_NE(counter.threads.back(), std::this_thread::get_id());
}

TEST(DhKeyPool, NeverHandsOutAKeyPairTwice) {
    DhKeyPool pool({DhGroup::curve25519});
    std::set<ike::Bytes> seen;
    for (int i = 0; i < 50; i++) {
        if (i % 2)
            pool.wait_full(); // half from a refilled slot, half possibly generated on demand
        const DhKey key = pool.take(DhGroup::curve25519);
        EXPECT_TRUE(seen.insert(key.public_value()).second) << "key pair " << i << " repeated";
    }
}

TEST(DhKeyPool, ConcurrentTakesGetDistinctKeyPairs) {
    DhKeyPool pool({DhGroup::curve25519});
    std::mutex mutex;
    std::vector<ike::Bytes> values;
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; i++) {
                ike::Bytes value = pool.take(DhGroup::curve25519).public_value();
                std::lock_guard lock(mutex);
                values.push_back(std::move(value));
            }
        });
    threads.clear(); // joins
    EXPECT_EQ(values.size(), 40u);
    EXPECT_EQ(std::set<ike::Bytes>(values.begin(), values.end()).size(), values.size());
}

TEST(DhKeyPool, AGroupAskedForLaterGetsASlot) {
    CountingGenerator counter;
    DhKeyPool pool({DhGroup::curve25519}, counter.generator());
    auto on_this_thread = [&] {
        std::lock_guard lock(counter.mutex);
        return std::count(counter.threads.begin(), counter.threads.end(),
                          std::this_thread::get_id());
    };
    EXPECT_EQ(on_this_thread(), 1); // the constructor's
    // INVALID_KE_PAYLOAD asked for a group no proposal names first: generated on demand...
    const DhKey first = pool.take(DhGroup::ecp_256);
    EXPECT_EQ(first.group(), DhGroup::ecp_256);
    EXPECT_EQ(on_this_thread(), 2);
    // ...and kept ready from then on.
    pool.wait_full();
    const DhKey second = pool.take(DhGroup::ecp_256);
    EXPECT_NE(first.public_value(), second.public_value());
    EXPECT_EQ(on_this_thread(), 2);
}

TEST(DhKeyPool, AFailingGeneratorDoesNotStopTheOthers) {
    std::atomic<bool> fail{false};
    DhKeyPool pool({DhGroup::curve25519}, [&](DhGroup group) {
        if (fail)
            throw ike::crypto::CryptoError("injected failure");
        return DhKey::generate(group);
    });
    fail = true;
    (void)pool.take(DhGroup::curve25519); // the ready one; its refill fails
    pool.wait_full();                     // the failed group gave up its slot: nothing to wait for
    EXPECT_THROW((void)pool.take(DhGroup::curve25519), ike::crypto::CryptoError);
    fail = false;
    pool.wait_full();
    EXPECT_EQ(pool.take(DhGroup::curve25519).group(), DhGroup::curve25519);
}
