#include "tools/bounce_drain_redis.hpp"

#include "forwarder/clock.hpp"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cstdio>
#include <random>

namespace tools {
namespace {

// Atomic check-and-take of the per-event marker. "done": posted before. Another consumer's live
// "pending:..." lease: busy. Otherwise (absent, or our own lease from an earlier attempt) take it.
constexpr const char* kBeginScript = R"lua(
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'done' end
if v and v ~= ARGV[1] then return 'busy' end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 'acquired'
)lua";

// Drops the lease only if it is still ours (it may have expired and been taken by another drain).
constexpr const char* kAbandonScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// Deletes, in one atomic step, the consumers with no pending entries that have been idle for longer
// than ARGV[2] ms (so none can read an entry between the check and the delete), except ARGV[3].
constexpr const char* kForgetScript = R"lua(
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if info['name'] ~= ARGV[3] and info['pending'] == 0 and info['idle'] > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
)lua";

std::string as_string(const redisReply* r) {
    if (r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)) return std::string(r->str, r->len);
    return {};
}

// One [id, [field, value, ...]] element; a nil field list means the entry was deleted from the stream.
StreamEntry parse_entry(const redisReply* r) {
    StreamEntry entry;
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 1) {
        entry.deleted = true;
        return entry;
    }
    entry.id = as_string(r->element[0]);
    if (r->elements < 2 || r->element[1]->type != REDIS_REPLY_ARRAY) {
        entry.deleted = true;
        return entry;
    }
    const redisReply* fields = r->element[1];
    for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
        entry.fields.emplace_back(as_string(fields->element[i]), as_string(fields->element[i + 1]));
    }
    return entry;
}

// XREADGROUP answer: nil on timeout, else [[stream, [entries...]]].
std::vector<StreamEntry> parse_read(const redisReply* r) {
    std::vector<StreamEntry> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (std::size_t s = 0; s < r->elements; ++s) {
        const redisReply* stream = r->element[s];
        if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2) continue;
        const redisReply* entries = stream->element[1];
        if (entries->type != REDIS_REPLY_ARRAY) continue;
        for (std::size_t i = 0; i < entries->elements; ++i) {
            StreamEntry e = parse_entry(entries->element[i]);
            if (!e.id.empty()) out.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace

// The lease names this process, not just the consumer: two drains misconfigured with the same
// consumer name must still not take each other's lease for their own.
static std::string lease_token(const std::string& consumer) {
    std::random_device random;
    char nonce[17];
    std::snprintf(nonce, sizeof nonce, "%08x%08x", random(), random());
    return "pending:" + consumer + ":" + std::to_string(getpid()) + ":" + nonce;
}

RedisDrainStore::RedisDrainStore(RedisDrainStoreOptions options)
    : options_(std::move(options)), redis_(options_.url, options_.timeout, options_.password), lease_token_(lease_token(options_.consumer)) {}

void RedisDrainStore::ensure_group() {
    try {
        redis_.command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
    } catch (const RedisError& e) {
        if (std::string(e.what()).find("BUSYGROUP") == std::string::npos) throw;
    }
}

std::vector<StreamEntry> RedisDrainStore::read_new(std::size_t count, std::chrono::milliseconds block) {
    auto r = redis_.command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", std::to_string(count),
                             "BLOCK", std::to_string(block.count()), "STREAMS", options_.stream, ">"});
    return parse_read(r.get());
}

std::vector<StreamEntry> RedisDrainStore::read_own_pending(const std::string& after_id, std::size_t count) {
    auto r = redis_.command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", std::to_string(count),
                             "STREAMS", options_.stream, after_id});
    // Pending entries deleted from the stream come back as [id, nil]; they are kept (marked deleted)
    // so the drain acknowledges them instead of leaving them in the pending list forever.
    return parse_read(r.get());
}

ClaimPage RedisDrainStore::autoclaim(std::chrono::milliseconds min_idle, const std::string& cursor, std::size_t count) {
    auto r = redis_.command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                             std::to_string(min_idle.count()), cursor, "COUNT", std::to_string(count)});
    ClaimPage page;
    // Redis 7: [next-cursor, [entries], [deleted ids]]; the deleted ids are already off the pending
    // list. Redis 6.2: deleted entries appear as nil inside [entries] and stay pending.
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2) return page;
    page.next_cursor = as_string(r->element[0]);
    if (page.next_cursor.empty()) page.next_cursor = "0-0";
    const redisReply* entries = r->element[1];
    for (std::size_t i = 0; entries->type == REDIS_REPLY_ARRAY && i < entries->elements; ++i) {
        StreamEntry e = parse_entry(entries->element[i]);
        if (!e.id.empty()) page.entries.push_back(std::move(e));
    }
    return page;
}

void RedisDrainStore::ack(const std::string& id) {
    redis_.command({"XACK", options_.stream, options_.group, id});
}

void RedisDrainStore::dead_letter(const StreamEntry& entry, const std::string& reason) {
    std::vector<std::string> args{"XADD", options_.dead_letter_stream};
    if (options_.dead_letter_maxlen > 0) {
        args.insert(args.end(), {"MAXLEN", "~", std::to_string(options_.dead_letter_maxlen)});
    }
    args.push_back("*");
    for (const auto& [name, value] : entry.fields) {
        args.push_back(name);
        args.push_back(value);
    }
    args.insert(args.end(), {"dead_reason", reason, "dead_at", forwarder::rfc3339(std::chrono::system_clock::now()),
                             "source_stream", options_.stream, "source_id", entry.id, "consumer", options_.consumer});
    redis_.command(args);
}

std::size_t RedisDrainStore::forget_idle_consumers(std::chrono::milliseconds min_idle) {
    auto r = redis_.command({"EVAL", kForgetScript, "1", options_.stream, options_.group,
                             std::to_string(min_idle.count()), options_.consumer});
    return r && r->type == REDIS_REPLY_INTEGER ? static_cast<std::size_t>(r->integer) : 0;
}

BeginResult RedisDrainStore::begin(const std::string& key, std::chrono::seconds lease) {
    auto r = redis_.command({"EVAL", kBeginScript, "1", key, lease_token_, std::to_string(lease.count())});
    const std::string answer = as_string(r.get());
    if (answer == "done") return BeginResult::done;
    if (answer == "busy") return BeginResult::busy;
    if (answer == "acquired") return BeginResult::acquired;
    throw RedisError("redis EVAL: unexpected answer '" + answer + "'", false);
}

void RedisDrainStore::finish(const std::string& key, std::chrono::seconds ttl) {
    redis_.command({"SET", key, "done", "EX", std::to_string(ttl.count())});
}

void RedisDrainStore::abandon(const std::string& key) {
    redis_.command({"EVAL", kAbandonScript, "1", key, lease_token_});
}

}  // namespace tools
