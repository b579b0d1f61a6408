// An in-memory stand-in for Redis Streams consumer-group semantics (delivery to consumers, pending
// lists with idle times, XAUTOCLAIM, XACK) and expiring keys, on a clock the test moves by hand.
// Several FakeDrainStore objects on one FakeRedis behave like several drains on one server.
#pragma once

#include "tools/bounce_drain_store.hpp"
#include "tools/redis_connection.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace fake {

using TimePoint = std::chrono::steady_clock::time_point;

struct FakeRedis {
    TimePoint now = TimePoint{} + std::chrono::hours(1);
    std::vector<tools::StreamEntry> stream;
    std::size_t next_undelivered = 0;  // the group's last-delivered position
    struct Pending {
        std::string consumer;
        TimePoint delivered;
        int deliveries = 0;
    };
    std::map<std::string, Pending> pending;  // the group's pending entries list
    std::map<std::string, TimePoint> consumers;  // name -> last read
    struct Value {
        std::string value;
        TimePoint expires;
    };
    std::map<std::string, Value> keys;
    std::vector<std::pair<tools::StreamEntry, std::string>> dead_letters;
    bool down = false;           // every command fails as if the connection broke
    int fail_finish_calls = 0;   // the next N finish() calls fail (Redis lost right after a POST)
    int sequence = 0;

    std::string add(tools::StreamFields fields) {
        char id[32];
        std::snprintf(id, sizeof id, "%010d-0", ++sequence);
        stream.push_back({id, std::move(fields), false});
        return id;
    }
    void trim(const std::string& id) {
        for (auto it = stream.begin(); it != stream.end(); ++it) {
            if (it->id == id) {
                if (static_cast<std::size_t>(it - stream.begin()) < next_undelivered) --next_undelivered;
                stream.erase(it);
                return;
            }
        }
    }
    const tools::StreamEntry* find(const std::string& id) const {
        for (const auto& e : stream) {
            if (e.id == id) return &e;
        }
        return nullptr;
    }
    std::string get(const std::string& key) const {
        auto it = keys.find(key);
        return it != keys.end() && it->second.expires > now ? it->second.value : std::string();
    }
    void advance(std::chrono::milliseconds d) { now += d; }
};

class FakeDrainStore : public tools::DrainStore {
public:
    FakeDrainStore(FakeRedis& redis, std::string consumer) : r_(redis), consumer_(std::move(consumer)) {}

    void ensure_group() override { check(); }

    std::vector<tools::StreamEntry> read_new(std::size_t count, std::chrono::milliseconds) override {
        check();
        r_.consumers[consumer_] = r_.now;
        std::vector<tools::StreamEntry> out;
        while (r_.next_undelivered < r_.stream.size() && out.size() < count) {
            const auto& e = r_.stream[r_.next_undelivered++];
            r_.pending[e.id] = {consumer_, r_.now, 1};
            out.push_back(e);
        }
        return out;
    }

    std::vector<tools::StreamEntry> read_own_pending(const std::string& after_id, std::size_t count) override {
        check();
        r_.consumers[consumer_] = r_.now;
        std::vector<tools::StreamEntry> out;
        for (auto& [id, p] : r_.pending) {
            if (out.size() >= count) break;
            if (p.consumer != consumer_ || (after_id != "0" && id <= after_id)) continue;
            p.delivered = r_.now;
            ++p.deliveries;
            out.push_back(entry(id));
        }
        return out;
    }

    tools::ClaimPage autoclaim(std::chrono::milliseconds min_idle, const std::string& cursor, std::size_t count) override {
        check();
        r_.consumers[consumer_] = r_.now;
        tools::ClaimPage page;
        for (auto it = r_.pending.lower_bound(cursor == "0-0" ? std::string() : cursor); it != r_.pending.end(); ++it) {
            if (page.entries.size() >= count) {
                page.next_cursor = it->first;
                return page;
            }
            if (r_.now - it->second.delivered < min_idle) continue;
            it->second = {consumer_, r_.now, it->second.deliveries + 1};
            page.entries.push_back(entry(it->first));
        }
        return page;
    }

    void ack(const std::string& id) override {
        check();
        r_.pending.erase(id);
        ++acks;
    }

    void dead_letter(const tools::StreamEntry& e, const std::string& reason) override {
        check();
        r_.dead_letters.emplace_back(e, reason);
    }

    std::size_t forget_idle_consumers(std::chrono::milliseconds min_idle) override {
        check();
        std::size_t removed = 0;
        for (auto it = r_.consumers.begin(); it != r_.consumers.end();) {
            bool has_pending = false;
            for (const auto& [id, p] : r_.pending) has_pending = has_pending || p.consumer == it->first;
            if (it->first != consumer_ && !has_pending && r_.now - it->second > min_idle) {
                it = r_.consumers.erase(it);
                ++removed;
            } else {
                ++it;
            }
        }
        return removed;
    }

    tools::BeginResult begin(const std::string& key, std::chrono::seconds lease) override {
        check();
        const std::string v = r_.get(key);
        if (v == "done") return tools::BeginResult::done;
        if (!v.empty() && v != token()) return tools::BeginResult::busy;
        r_.keys[key] = {token(), r_.now + lease};
        return tools::BeginResult::acquired;
    }

    void finish(const std::string& key, std::chrono::seconds ttl) override {
        check();
        if (r_.fail_finish_calls > 0) {
            --r_.fail_finish_calls;
            throw tools::RedisError("redis SET: connection reset by peer", true);
        }
        r_.keys[key] = {"done", r_.now + ttl};
    }

    void abandon(const std::string& key) override {
        check();
        if (r_.get(key) == token()) r_.keys.erase(key);
    }

    int acks = 0;

private:
    void check() const {
        if (r_.down) throw tools::RedisError("redis: Connection refused", true);
    }
    std::string token() const { return "pending:" + consumer_; }
    tools::StreamEntry entry(const std::string& id) const {
        const tools::StreamEntry* e = r_.find(id);
        if (e) return *e;
        tools::StreamEntry gone;
        gone.id = id;
        gone.deleted = true;
        return gone;
    }

    FakeRedis& r_;
    std::string consumer_;
};

}  // namespace fake
