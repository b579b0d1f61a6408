// Typed, validated configuration shared by every program. Loaded from TOML; every error names its line.
// A section's presence switches its feature on (e.g. [redis] enables the Redis sink).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace conf {

enum class OnBounce { discard, accept, tag };
enum class OnError { tempfail, accept };

struct MilterConfig {
    std::string socket = "inet:8895@127.0.0.1";  // unix:/path | local:/path | inet:port@host | inet6:port@host
    std::vector<std::string> bounce_addresses;    // e.g. "bounces@lists.example.com"; +tags also match
    OnBounce on_bounce = OnBounce::discard;
    OnError on_error = OnError::tempfail;
    std::size_t max_message_bytes = 1u << 20;
    std::string verp;                   // e.g. "bounces+{subscriber_uuid}@lists.example.com"; empty = off
    bool forward_delayed = false;
    // Anyone can mail the bounce address, so an event without a subscriber UUID (which only listmonk's
    // own mail carries) is held in the outbox unless this is true.
    bool forward_without_uuid = false;
    std::size_t max_events_per_report = 5;  // a report naming more is held whole as suspect
    std::map<std::string, std::string> reason_types;  // reason -> "hard"|"soft"|"complaint" overrides
    std::string socket_mode = "0660";   // unix socket permissions
    std::string socket_group;           // unix socket group (e.g. "postfix"); empty = unchanged
    std::string user;                   // drop privileges to this user after start; empty = stay
    bool allow_remote_mta = false;      // an inet socket on a wildcard or implicit address (reachable from the network)
    std::string source = "bounce-milter";
};

struct OutboxConfig {
    std::string path = "/var/lib/bouncemilter/bounce-outbox.sqlite";
    std::chrono::milliseconds retry_initial{1000};         // first retry delay, doubling per attempt
    std::chrono::milliseconds retry_max{300000};           // cap of the doubling
    std::chrono::milliseconds config_retry_initial{30000}; // first delay after a configuration problem
    std::chrono::milliseconds poll_interval{1000};         // look for events other processes enqueued
    int retention_days = 30;   // delivered events are remembered (deduplicated) this long
};

struct ListmonkConfig {
    std::string url;                 // base URL, e.g. "http://127.0.0.1:9000"
    std::string username;
    std::string token;               // or token_file
    std::string auth = "token";      // "token" (v4+) | "basic" (older listmonk)
    std::string source;              // overrides the producer's default source
    std::chrono::milliseconds timeout{10000};
    std::chrono::milliseconds connect_timeout{5000};
};

struct RedisConfig {
    std::string url = "redis://127.0.0.1:6379/0";  // redis://[user:password@]host:port/db
    // AUTH password from `password` / `password_file`, so it need not sit in the URL; replaces the URL's.
    std::string password;
    std::string stream = "listmonk:bounces";
    std::size_t maxlen = 1000000;   // approximate MAXLEN on XADD; 0 = unbounded
    std::chrono::milliseconds timeout{5000};
};

struct FileConfig {
    std::string path;  // JSON Lines output
    bool fsync = true; // fdatasync after each line: "delivered" then means on disk
};

struct DrainConfig {
    std::string group = "bounce-drain";
    std::string consumer;            // default: host-pid
    int claim_idle_seconds = 30;
    std::string dead_letter_stream;  // default: "<stream>:dead"
    int dedup_ttl_seconds = 7 * 24 * 3600;
};

struct MetricsConfig {
    std::string listen;  // "127.0.0.1:9120"; empty = off
};

// One provider section of bounce-hooks ([hooks.<name>]). Which keys are allowed depends on the
// provider; the loader rejects keys that do not belong to it.
struct ProviderConfig {
    std::string name;
    std::string public_key;        // sendgrid (base64 DER EC), postal (base64 DER or PEM RSA)
    std::string signing_key;       // mailgun
    int max_age_seconds = 300;     // mailgun, resend, lettermint, postal freshness window (postal: 3600)
    std::string username, password;  // postmark, sparkpost, mailjet
    std::vector<std::string> topic_arns;  // ses
    std::string cert_cache_dir;    // ses
    // ses: accepted age of a notification's signed Timestamp. SNS retries a delivery for up to an hour
    // (default policy), so the window must be longer than that.
    int sns_max_age_seconds = 3900;
    std::string secret;            // resend (whsec_...), azure
    std::string key;               // forwardemail, lettermint, mandrill
    std::string url;               // mandrill: webhook URL exactly as configured at Mandrill
    std::string token;             // brevo bearer token
    std::string bounced_as = "soft";  // postal: type of a MessageBounced whose payload names no cause
    std::string campaign_field = "X-Listmonk-Campaign";  // metadata/custom-arg name carrying the campaign UUID
};

struct HooksConfig {
    std::string listen = "127.0.0.1:8025";
    std::size_t max_body_bytes = 1u << 20;
    int threads = 8;
    std::chrono::seconds read_timeout{10};
    // Limits a client must stay within before a worker thread is spent on its request (docs/hooks.md):
    // the whole request (head and body) within request_timeout, a head of at most max_header_bytes in
    // at most max_headers lines, and at most max_connections open at once.
    std::chrono::seconds request_timeout{10};
    std::size_t max_header_bytes = 32 * 1024;
    std::size_t max_headers = 100;
    std::size_t max_connections = 256;
    std::map<std::string, ProviderConfig> providers;  // keyed by provider name
};

struct Config {
    std::string path;  // file it was loaded from
    std::optional<MilterConfig> milter;
    OutboxConfig outbox;
    std::optional<ListmonkConfig> listmonk;
    std::optional<RedisConfig> redis;
    std::optional<FileConfig> file;
    std::optional<DrainConfig> drain;
    std::optional<MetricsConfig> metrics;
    std::optional<HooksConfig> hooks;
    // Line of each key the environment checks (conf/environment.hpp) may complain about, e.g.
    // "outbox.path", "milter.socket", "milter.user"; absent keys are not listed.
    std::map<std::string, int> lines;
};

struct ConfigError {
    std::string file;
    int line = 0;     // 0 when the error is not tied to a line
    std::string message;
    std::string to_string() const;  // "file:line: message"
};

struct LoadResult {
    std::shared_ptr<const Config> config;  // null when errors is non-empty
    std::vector<ConfigError> errors;       // every error found, not just the first
    std::vector<ConfigError> warnings;     // accepted, but worth an operator's look (printed by every program)
};

// Every path in a configuration file must be absolute: a relative one would depend on the directory a
// program happens to be started from (two outboxes, events delivered twice), so it is an error.
LoadResult load_file(const std::string& path);
LoadResult load_string(const std::string& toml_text, const std::string& name = "<string>");

// The demo (conf/demo.toml, compiled in), what `bounce-milter --demo` runs on: file sink, outbox and
// JSON Lines file in `directory` (its relative paths, the only ones ever accepted, are resolved there).
const std::string& embedded_demo();
LoadResult load_demo(const std::string& directory);

// Why a milter socket spec exposes the milter beyond this host ("" when it does not): an inet socket
// without an address, or on a wildcard address, takes connections from the network, unauthenticated.
std::string remote_exposure(const std::string& socket_spec);

// Sisimai v5.1 reason names accepted in [milter] reason_types.
bool is_known_reason(const std::string& reason);

}  // namespace conf
