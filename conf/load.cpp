// The TOML loader: reads every section into conf::Config, collecting every error with its line
// instead of stopping at the first, so `--check-config` shows an operator the whole list at once.
#include "conf/config.hpp"
#include "conf/redact_url.hpp"
#include "conf/redis_url.hpp"
#include "conf/secret_placeholder.hpp"
#include "dsn/classify.hpp"
#include "dsn/reason_tables.hpp"

#include <toml++/toml.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <cstdio>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace conf {
namespace {

// The reason vocabulary is the parser's: one table, so config validation never drifts from it.
std::vector<std::string> known_reasons() {
    std::vector<std::string> out;
    for (auto reason : dsn::classify::all_reasons()) out.emplace_back(reason);
    return out;
}

// Keys each provider takes (issue 5 point 6); secrets also accept a "<key>_file" variant.
const std::map<std::string, std::vector<std::string>> kProviderKeys = {
    {"ses", {"topic_arns", "cert_cache_dir", "max_age_seconds"}},
    {"sendgrid", {"public_key"}},
    {"postmark", {"username", "password"}},
    {"mailgun", {"signing_key", "max_age_seconds"}},
    {"sparkpost", {"username", "password"}},
    {"mailjet", {"username", "password"}},
    {"brevo", {"token"}},
    {"mandrill", {"key", "url"}},
    {"resend", {"secret", "max_age_seconds"}},
    {"forwardemail", {"key"}},
    {"lettermint", {"key", "max_age_seconds"}},
    {"azure", {"secret"}},
    {"postal", {"public_key", "max_age_seconds", "bounced_as"}},
};
constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;  // keys and tokens are far smaller
const std::set<std::string> kSecretKeys = {"password", "token", "secret", "key", "signing_key", "public_key"};

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string suggestion(const std::string& key, const std::vector<std::string>& allowed) {
    std::string best;
    std::size_t best_distance = 3;  // only close typos are worth suggesting
    for (const auto& candidate : allowed) {
        const auto d = edit_distance(key, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

bool valid_port(const std::string& s) {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
    const int port = std::stoi(s);
    return port >= 1 && port <= 65535;
}

bool valid_bare_email(const std::string& s) {
    const auto at = s.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == s.size()) return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' || c == '"';
    });
}

class Loader {
public:
    // `relative_base`: the directory relative paths are resolved against; empty (every real
    // configuration) makes a relative path an error.
    Loader(std::string name, std::filesystem::path relative_base)
        : name_(std::move(name)), relative_base_(std::move(relative_base)) {}

    LoadResult load(std::string_view text) {
        toml::table root;
        try {
            root = toml::parse(text, name_);
        } catch (const toml::parse_error& e) {
            add(static_cast<int>(e.source().begin.line), "TOML syntax error: " + std::string(e.description()));
            return finish();
        }
        config_->path = name_;
        for (auto&& [key, node] : root) {
            const std::string k(key.str());
            const toml::table* table = node.as_table();
            if (!table) {
                add(node, "top-level key '" + k + "' is not allowed; settings belong in a [section]");
                continue;
            }
            if (k == "milter") milter(*table);
            else if (k == "outbox") outbox(*table);
            else if (k == "listmonk") listmonk(*table);
            else if (k == "redis") redis(*table);
            else if (k == "file") file(*table);
            else if (k == "drain") drain(*table);
            else if (k == "metrics") metrics(*table);
            else if (k == "hooks") hooks(*table);
            else
                add(node, "unknown section [" + k + "]" +
                              suggestion(k, {"milter", "outbox", "listmonk", "redis", "file", "drain", "metrics", "hooks"}));
        }
        return finish();
    }

private:
    std::string name_;
    std::filesystem::path relative_base_;
    std::shared_ptr<Config> config_ = std::make_shared<Config>();
    std::vector<ConfigError> errors_;
    std::vector<ConfigError> warnings_;

    LoadResult finish() {
        std::stable_sort(errors_.begin(), errors_.end(),
                         [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
        LoadResult result;
        result.errors = std::move(errors_);
        result.warnings = std::move(warnings_);
        if (result.errors.empty()) result.config = config_;
        return result;
    }

    void add(int line, std::string message) { errors_.push_back(ConfigError{name_, line, std::move(message)}); }

    // Paths must be absolute (see config.hpp); the demo's are resolved against its directory.
    void require_absolute(const toml::table& t, const std::string& section, const std::string& key, std::string& path) {
        if (path.empty() || path.front() == '/') return;
        if (!relative_base_.empty()) {
            path = (relative_base_ / path).lexically_normal().string();
            return;
        }
        add(*find_or(t, key), "[" + section + "] " + key + " '" + path +
                                  "' is a relative path: write it in full (e.g. /var/lib/bouncemilter/" +
                                  std::filesystem::path(path).filename().string() +
                                  "); a relative path depends on the directory a program is started from");
    }

    void remember_line(const toml::table& t, const std::string& section, const std::string& key) {
        if (const auto* n = find(t, key)) config_->lines[section + "." + key] = static_cast<int>(n->source().begin.line);
    }

    // A secret still holding an example value (or nothing) must not go live.
    void refuse_placeholder(const toml::node& node, const std::string& section, const std::string& key,
                            const std::string& secret) {
        if (secret_is_placeholder(secret))
            add(node, "[" + section + "] " + key + " is " + (secret.empty() ? "empty" : "a placeholder ('" + secret + "')") +
                          ": set the real secret");
    }
    void warn(const toml::node& node, std::string message) {
        warnings_.push_back(ConfigError{name_, static_cast<int>(node.source().begin.line), "warning: " + std::move(message)});
    }
    void add(const toml::node& node, std::string message) {
        add(static_cast<int>(node.source().begin.line), std::move(message));
    }

    // Rejects keys the section does not know (typo protection).
    void allow_only(const toml::table& t, const std::string& section, std::vector<std::string> allowed) {
        for (auto&& [key, node] : t) {
            const std::string k(key.str());
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
                add(node, "unknown key '" + k + "' in [" + section + "]" + suggestion(k, allowed));
            }
        }
    }

    const toml::node* find(const toml::table& t, const std::string& key) { return t.get(key); }

    void get(const toml::table& t, const std::string& section, const std::string& key, std::string& out) {
        if (const auto* n = find(t, key)) {
            if (auto v = n->value<std::string>(); v && n->is_string()) out = *v;
            else add(*n, "[" + section + "] " + key + " must be a string");
        }
    }

    void get(const toml::table& t, const std::string& section, const std::string& key, bool& out) {
        if (const auto* n = find(t, key)) {
            if (n->is_boolean()) out = *n->value<bool>();
            else add(*n, "[" + section + "] " + key + " must be true or false");
        }
    }

    template <typename Int>
    void get_int(const toml::table& t, const std::string& section, const std::string& key, Int& out,
                 std::int64_t min, std::int64_t max) {
        if (const auto* n = find(t, key)) {
            if (!n->is_integer()) {
                add(*n, "[" + section + "] " + key + " must be an integer");
                return;
            }
            const std::int64_t v = *n->value<std::int64_t>();
            if (v < min || v > max) {
                add(*n, "[" + section + "] " + key + " must be between " + std::to_string(min) + " and " +
                            std::to_string(max));
                return;
            }
            out = static_cast<Int>(v);
        }
    }

    // Durations are written in seconds (integer or fractional).
    void get_seconds(const toml::table& t, const std::string& section, const std::string& key,
                     std::chrono::milliseconds& out, double min_seconds, double max_seconds) {
        if (const auto* n = find(t, key)) {
            double v = 0;
            if (n->is_integer()) v = static_cast<double>(*n->value<std::int64_t>());
            else if (n->is_floating_point()) v = *n->value<double>();
            else {
                add(*n, "[" + section + "] " + key + " must be a number of seconds");
                return;
            }
            if (!(v >= min_seconds && v <= max_seconds)) {
                std::ostringstream range;
                range << min_seconds << " and " << max_seconds;
                add(*n, "[" + section + "] " + key + " must be between " + range.str() + " seconds");
                return;
            }
            out = std::chrono::milliseconds(static_cast<std::int64_t>(v * 1000.0 + 0.5));
        }
    }

    void get(const toml::table& t, const std::string& section, const std::string& key, std::vector<std::string>& out) {
        if (const auto* n = find(t, key)) {
            const auto* array = n->as_array();
            if (!array) {
                add(*n, "[" + section + "] " + key + " must be an array of strings");
                return;
            }
            out.clear();
            for (const auto& item : *array) {
                if (item.is_string()) out.push_back(*item.value<std::string>());
                else add(item, "[" + section + "] " + key + " must contain only strings");
            }
        }
    }

    // A secret given inline (`key`) or read from a file (`key_file`, trailing newline trimmed).
    void get_secret(const toml::table& t, const std::string& section, const std::string& key, std::string& out) {
        get(t, section, key, out);
        if (const auto* inline_node = find(t, key); inline_node && inline_node->is_string())
            refuse_placeholder(*inline_node, section, key, out);
        const std::string file_key = key + "_file";
        const auto* n = find(t, file_key);
        if (!n) return;
        if (find(t, key)) {
            add(*n, "[" + section + "] set either " + key + " or " + file_key + ", not both");
            return;
        }
        std::string path;
        get(t, section, file_key, path);
        if (path.empty()) {
            if (n->is_string()) add(*n, "[" + section + "] " + file_key + " must name a file");
            return;
        }
        const std::size_t errors_before = errors_.size();
        require_absolute(t, section, file_key, path);
        if (errors_.size() != errors_before) return;
        std::filesystem::path p(path);
        // Only a small regular file: a path like /dev/zero or a FIFO would otherwise hang the loader.
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec)) {
            add(*n, "[" + section + "] " + file_key + ": cannot read " + p.string() + " (missing, or not a regular file)");
            return;
        }
        if (const auto size = std::filesystem::file_size(p, ec); ec || size > kMaxSecretFileBytes) {
            add(*n, "[" + section + "] " + file_key + ": " + p.string() + " is larger than " +
                        std::to_string(kMaxSecretFileBytes) + " bytes; it should hold only the secret");
            return;
        }
        std::ifstream in(p, std::ios::binary);
        if (!in) {
            add(*n, "[" + section + "] " + file_key + ": cannot read " + p.string());
            return;
        }
        std::string secret(kMaxSecretFileBytes + 1, '\0');
        in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
        secret.resize(static_cast<std::size_t>(in.gcount()));
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
        if (secret.empty()) add(*n, "[" + section + "] " + file_key + ": " + p.string() + " is empty");
        else refuse_placeholder(*n, section, file_key, secret);
        // A public key is no secret; anything else every local user can read is one no longer.
        struct stat st {};
        if (key != "public_key" && ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
            char mode[8];
            std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
            warn(*n, "[" + section + "] " + file_key + ": " + p.string() + " is readable by every user (mode " + mode +
                         "); restrict it, e.g. chmod 0640");
        }
        out = secret;
    }

    void require(const toml::table& t, const std::string& section, const std::string& key, const std::string& value) {
        // A <key>_file that could not be read already has its own error, on its own line.
        if (value.empty() && !find(t, key + "_file")) {
            add(t, "[" + section + "] " + key + " is required" +
                       (kSecretKeys.count(key) || key == "token" ? " (or " + key + "_file)" : std::string()));
        }
    }

    bool valid_http_url(const std::string& url) {
        std::string rest;
        if (url.rfind("http://", 0) == 0) rest = url.substr(7);
        else if (url.rfind("https://", 0) == 0) rest = url.substr(8);
        else return false;
        const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
        if (authority.empty() || authority.find('@') != std::string::npos) return false;
        if (rest.find_first_of("?#") != std::string::npos) return false;
        if (std::any_of(url.begin(), url.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
            return false;
        if (authority.front() == '[') {
            const auto close = authority.find(']');
            if (close == std::string::npos) return false;
            return close + 1 == authority.size() || (authority[close + 1] == ':' && valid_port(authority.substr(close + 2)));
        }
        const auto colon = authority.rfind(':');
        return colon == std::string::npos || (colon > 0 && valid_port(authority.substr(colon + 1)));
    }

    static bool loopback_host(std::string host) {
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        if (host == "localhost") return true;
        in_addr v4{};
        if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
        in6_addr v6{};
        return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
    }

    bool valid_host_port(const std::string& s) {
        const auto colon = s.rfind(':');
        if (colon == std::string::npos || colon == 0) return false;
        std::string host = s.substr(0, colon);
        if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        return !host.empty() && valid_port(s.substr(colon + 1));
    }

    // libmilter's socket specs: unix:/path | local:/path | inet:port[@host] | inet6:port[@host].
    std::string socket_problem(const std::string& spec) {
        const auto colon = spec.find(':');
        if (colon == std::string::npos) return "must be unix:/path, local:/path, inet:port@host or inet6:port@host";
        const std::string kind = spec.substr(0, colon), rest = spec.substr(colon + 1);
        if (kind == "unix" || kind == "local") {
            return !rest.empty() && rest.front() == '/' ? "" : "needs an absolute path after " + kind + ":";
        }
        if (kind == "inet" || kind == "inet6") {
            const auto at = rest.find('@');
            const std::string port = rest.substr(0, at);
            if (!valid_port(port)) return "has a bad port '" + port + "' (1-65535)";
            if (at != std::string::npos && at + 1 == rest.size()) return "has an empty host after @";
            return "";
        }
        return "has unknown socket type '" + kind + "' (unix, local, inet, inet6)";
    }

    void milter(const toml::table& t) {
        const std::string s = "milter";
        allow_only(t, s, {"socket", "bounce_addresses", "on_bounce", "on_error", "max_message_bytes", "verp",
                          "forward_delayed", "reason_types", "socket_mode", "socket_group", "user", "source",
                          "allow_remote_mta", "forward_without_uuid", "max_events_per_report"});
        MilterConfig m;
        get(t, s, "socket", m.socket);
        get(t, s, "allow_remote_mta", m.allow_remote_mta);
        if (auto problem = socket_problem(m.socket); !problem.empty()) {
            add(*find_or(t, "socket"), "[milter] socket '" + m.socket + "' " + problem);
        } else if (auto exposure = remote_exposure(m.socket); !exposure.empty() && !m.allow_remote_mta) {
            add(*find_or(t, "socket"), "[milter] socket '" + m.socket + "' " + exposure +
                                           ": give a loopback address (inet:8895@127.0.0.1), or set allow_remote_mta = true "
                                           "if the MTA is on another host and a firewall guards the port");
        }
        remember_line(t, s, "socket");
        get(t, s, "bounce_addresses", m.bounce_addresses);
        if (const auto* n = find(t, "bounce_addresses")) {
            for (auto& a : m.bounce_addresses) {
                std::string lowered = a;
                std::transform(lowered.begin(), lowered.end(), lowered.begin(), ::tolower);
                if (!valid_bare_email(lowered)) add(*n, "[milter] bounce_addresses: '" + a + "' is not a bare address like bounces@lists.example.com");
                a = lowered;
            }
        }
        std::string on_bounce = "discard", on_error = "tempfail";
        get(t, s, "on_bounce", on_bounce);
        if (on_bounce == "discard") m.on_bounce = OnBounce::discard;
        else if (on_bounce == "accept") m.on_bounce = OnBounce::accept;
        else if (on_bounce == "tag") m.on_bounce = OnBounce::tag;
        else add(*find(t, "on_bounce"), "[milter] on_bounce must be discard, accept or tag, not '" + on_bounce + "'");
        get(t, s, "on_error", on_error);
        if (on_error == "tempfail") m.on_error = OnError::tempfail;
        else if (on_error == "accept") m.on_error = OnError::accept;
        else add(*find(t, "on_error"), "[milter] on_error must be tempfail or accept, not '" + on_error + "'");
        get_int(t, s, "max_message_bytes", m.max_message_bytes, 4096, std::int64_t(1) << 30);
        get(t, s, "verp", m.verp);
        if (!m.verp.empty()) {
            std::string problem;
            std::string rest = m.verp;
            bool has_placeholder = false;
            for (std::size_t open = rest.find('{'); open != std::string::npos; open = rest.find('{', open + 1)) {
                const auto close = rest.find('}', open);
                const std::string name = close == std::string::npos ? "" : rest.substr(open + 1, close - open - 1);
                if (name == "subscriber_uuid" || name == "campaign_uuid") has_placeholder = true;
                else problem = "has an unknown placeholder '{" + name + "}' (use {subscriber_uuid}, {campaign_uuid})";
            }
            if (problem.empty() && !has_placeholder) problem = "needs {subscriber_uuid} and/or {campaign_uuid}";
            if (problem.empty() && m.verp.find('@') == std::string::npos) problem = "must be an address template with @";
            if (!problem.empty()) add(*find(t, "verp"), "[milter] verp '" + m.verp + "' " + problem);
        }
        get(t, s, "forward_delayed", m.forward_delayed);
        get(t, s, "forward_without_uuid", m.forward_without_uuid);
        get_int(t, s, "max_events_per_report", m.max_events_per_report, 1, 100);
        if (const auto* n = find(t, "reason_types")) {
            if (const auto* types = n->as_table()) {
                for (auto&& [reason, type_node] : *types) {
                    const std::string r(reason.str());
                    if (!is_known_reason(r)) {
                        add(type_node, "[milter] reason_types: unknown reason '" + r + "'" +
                                           suggestion(r, known_reasons()));
                        continue;
                    }
                    const auto type = type_node.value<std::string>();
                    if (!type_node.is_string() || (*type != "hard" && *type != "soft" && *type != "complaint")) {
                        add(type_node, "[milter] reason_types." + r + " must be \"hard\", \"soft\" or \"complaint\"");
                        continue;
                    }
                    m.reason_types[r] = *type;
                }
            } else {
                add(*n, "[milter] reason_types must be a table like { mailboxfull = \"hard\" }");
            }
        }
        get(t, s, "socket_mode", m.socket_mode);
        if (m.socket_mode.size() < 3 || m.socket_mode.size() > 4 ||
            !std::all_of(m.socket_mode.begin(), m.socket_mode.end(), [](char c) { return c >= '0' && c <= '7'; })) {
            add(*find_or(t, "socket_mode"), "[milter] socket_mode must be an octal string like \"0660\"");
        }
        get(t, s, "socket_group", m.socket_group);
        remember_line(t, s, "socket_group");
        get(t, s, "user", m.user);
        remember_line(t, s, "user");
        get(t, s, "source", m.source);
        config_->milter = std::move(m);
    }

    // The node for `key`, or the table itself (for errors about defaults or missing keys).
    const toml::node* find_or(const toml::table& t, const std::string& key) {
        const auto* n = find(t, key);
        return n ? n : &t;
    }

    void outbox(const toml::table& t) {
        const std::string s = "outbox";
        allow_only(t, s, {"path", "retry_initial", "retry_max", "config_retry_initial", "poll_interval", "retention_days"});
        auto& o = config_->outbox;
        get(t, s, "path", o.path);
        if (o.path.empty()) add(*find_or(t, "path"), "[outbox] path must not be empty");
        require_absolute(t, s, "path", o.path);
        remember_line(t, s, "path");
        get_seconds(t, s, "retry_initial", o.retry_initial, 0.01, 3600);
        get_seconds(t, s, "retry_max", o.retry_max, 0.01, 86400);
        get_seconds(t, s, "config_retry_initial", o.config_retry_initial, 0.01, 86400);
        get_seconds(t, s, "poll_interval", o.poll_interval, 0.01, 3600);
        get_int(t, s, "retention_days", o.retention_days, 1, 3650);
        if (o.retry_max < o.retry_initial) add(*find_or(t, "retry_max"), "[outbox] retry_max must not be below retry_initial");
    }

    void listmonk(const toml::table& t) {
        const std::string s = "listmonk";
        allow_only(t, s, {"url", "username", "token", "token_file", "auth", "source", "timeout", "connect_timeout"});
        ListmonkConfig l;
        get(t, s, "url", l.url);
        get(t, s, "username", l.username);
        get_secret(t, s, "token", l.token);
        get(t, s, "auth", l.auth);
        get(t, s, "source", l.source);
        get_seconds(t, s, "timeout", l.timeout, 0.1, 600);
        get_seconds(t, s, "connect_timeout", l.connect_timeout, 0.1, 600);
        require(t, s, "url", l.url);
        require(t, s, "username", l.username);
        if (!find(t, "token_file")) require(t, s, "token", l.token);
        if (!l.url.empty() && !valid_http_url(l.url)) {
            // The URL is echoed redacted: credentials in it are exactly what this error is about.
            add(*find(t, "url"), "[listmonk] url '" + redact_url(l.url) +
                                     "' must be http(s)://host[:port][/path] without credentials, query or spaces");
        }
        if (l.auth != "token" && l.auth != "basic") add(*find(t, "auth"), "[listmonk] auth must be \"token\" or \"basic\"");
        if (l.username.find(':') != std::string::npos) add(*find(t, "username"), "[listmonk] username must not contain ':'");
        config_->listmonk = std::move(l);
    }

    void redis(const toml::table& t) {
        const std::string s = "redis";
        allow_only(t, s, {"url", "stream", "maxlen", "timeout", "password", "password_file"});
        RedisConfig r;
        get(t, s, "url", r.url);
        std::string error;
        const auto endpoint = parse_redis_url(r.url, error);
        if (!endpoint) {
            add(*find_or(t, "url"), "[redis] url '" + redact_url(r.url) + "': " + error);
        } else if (!endpoint->password.empty() && secret_is_placeholder(endpoint->password)) {
            add(*find_or(t, "url"), "[redis] url '" + redact_url(r.url) + "' has a placeholder password: set the real one");
        }
        get_secret(t, s, "password", r.password);
        if (!r.password.empty() && endpoint && !endpoint->password.empty())
            add(*find_or(t, "url"), "[redis] the url carries a password and password/password_file is set too; keep one");
        get(t, s, "stream", r.stream);
        if (r.stream.empty()) add(*find_or(t, "stream"), "[redis] stream must not be empty");
        get_int(t, s, "maxlen", r.maxlen, 0, std::int64_t(1) << 40);
        get_seconds(t, s, "timeout", r.timeout, 0.1, 600);
        config_->redis = std::move(r);
    }

    void file(const toml::table& t) {
        const std::string s = "file";
        allow_only(t, s, {"path", "fsync"});
        FileConfig f;
        get(t, s, "path", f.path);
        get(t, s, "fsync", f.fsync);
        require(t, s, "path", f.path);
        require_absolute(t, s, "path", f.path);
        remember_line(t, s, "path");
        config_->file = std::move(f);
    }

    void drain(const toml::table& t) {
        const std::string s = "drain";
        allow_only(t, s, {"group", "consumer", "claim_idle_seconds", "dead_letter_stream", "dedup_ttl_seconds"});
        DrainConfig d;
        get(t, s, "group", d.group);
        if (d.group.empty()) add(*find_or(t, "group"), "[drain] group must not be empty");
        get(t, s, "consumer", d.consumer);
        get_int(t, s, "claim_idle_seconds", d.claim_idle_seconds, 1, 86400);
        get(t, s, "dead_letter_stream", d.dead_letter_stream);
        get_int(t, s, "dedup_ttl_seconds", d.dedup_ttl_seconds, 60, 10 * 365 * 86400);
        config_->drain = std::move(d);
    }

    void metrics(const toml::table& t) {
        const std::string s = "metrics";
        allow_only(t, s, {"listen"});
        MetricsConfig m;
        get(t, s, "listen", m.listen);
        if (!m.listen.empty() && !valid_host_port(m.listen)) {
            add(*find(t, "listen"), "[metrics] listen must be host:port");
        } else if (!m.listen.empty() && !loopback_host(m.listen.substr(0, m.listen.rfind(':')))) {
            // /metrics has no authentication and names sinks, reasons and queue sizes: keep it on the host.
            add(*find(t, "listen"), "[metrics] listen must be a loopback address (127.0.0.1, [::1] or localhost), got \"" +
                                        m.listen + "\"");
        }
        config_->metrics = std::move(m);
    }

    void hooks(const toml::table& t) {
        const std::string s = "hooks";
        HooksConfig h;
        get(t, s, "listen", h.listen);
        if (!valid_host_port(h.listen)) add(*find_or(t, "listen"), "[hooks] listen must be host:port");
        get_int(t, s, "max_body_bytes", h.max_body_bytes, 1024, std::int64_t(64) << 20);
        get_int(t, s, "threads", h.threads, 1, 1024);
        std::chrono::milliseconds read_timeout = h.read_timeout;
        get_seconds(t, s, "read_timeout", read_timeout, 1, 3600);
        h.read_timeout = std::chrono::duration_cast<std::chrono::seconds>(read_timeout);
        std::chrono::milliseconds request_timeout = h.request_timeout;
        get_seconds(t, s, "request_timeout", request_timeout, 1, 3600);
        h.request_timeout = std::chrono::duration_cast<std::chrono::seconds>(request_timeout);
        get_int(t, s, "max_header_bytes", h.max_header_bytes, 1024, 1 << 20);
        get_int(t, s, "max_headers", h.max_headers, 8, 10000);
        get_int(t, s, "max_connections", h.max_connections, 1, 100000);
        const std::vector<std::string> scalar_keys = {"listen",          "max_body_bytes",   "threads",
                                                      "read_timeout",    "request_timeout",  "max_header_bytes",
                                                      "max_headers",     "max_connections"};
        std::vector<std::string> providers;
        for (const auto& [name, keys] : kProviderKeys) providers.push_back(name);
        for (auto&& [key, node] : t) {
            const std::string k(key.str());
            if (std::find(scalar_keys.begin(), scalar_keys.end(), k) != scalar_keys.end()) continue;
            const auto* table = node.as_table();
            if (!table) {
                add(node, "unknown key '" + k + "' in [hooks]" + suggestion(k, scalar_keys));
                continue;
            }
            if (!kProviderKeys.count(k)) {
                add(node, "unknown provider [hooks." + k + "] (known: " + join(providers) + ")" + suggestion(k, providers));
                continue;
            }
            provider(k, *table, h);
        }
        config_->hooks = std::move(h);
    }

    void provider(const std::string& name, const toml::table& t, HooksConfig& h) {
        const std::string s = "hooks." + name;
        std::vector<std::string> allowed = kProviderKeys.at(name);
        allowed.push_back("campaign_field");
        for (const auto& k : kProviderKeys.at(name)) {
            if (kSecretKeys.count(k)) allowed.push_back(k + "_file");
        }
        allow_only(t, s, allowed);
        ProviderConfig p;
        p.name = name;
        const auto& keys = kProviderKeys.at(name);
        auto takes = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
        if (takes("public_key")) { get_secret(t, s, "public_key", p.public_key); require(t, s, "public_key", p.public_key); }
        if (takes("signing_key")) { get_secret(t, s, "signing_key", p.signing_key); require(t, s, "signing_key", p.signing_key); }
        // Postal stamps a webhook when it is queued and retries the same body for about 36 minutes
        // (2, 3, 6, 10 and 15 minutes apart), so its window must outlast that schedule.
        if (name == "postal") p.max_age_seconds = 3600;
        if (takes("max_age_seconds")) {
            if (name == "ses") get_int(t, s, "max_age_seconds", p.sns_max_age_seconds, 60, 30 * 86400);
            else get_int(t, s, "max_age_seconds", p.max_age_seconds, 1, 86400);
        }
        if (takes("username")) { get(t, s, "username", p.username); require(t, s, "username", p.username); }
        if (takes("password")) { get_secret(t, s, "password", p.password); require(t, s, "password", p.password); }
        if (takes("topic_arns")) {
            get(t, s, "topic_arns", p.topic_arns);
            // An empty allowlist would accept any AWS account's topic: listmonk's forgery hole.
            if (p.topic_arns.empty()) add(*find_or(t, "topic_arns"), "[hooks.ses] topic_arns must list at least one TopicArn");
            for (const auto& arn : p.topic_arns) {
                if (arn.rfind("arn:", 0) != 0) add(*find(t, "topic_arns"), "[hooks.ses] topic_arns: '" + arn + "' is not an ARN");
            }
        }
        if (takes("cert_cache_dir")) {
            get(t, s, "cert_cache_dir", p.cert_cache_dir);
            require_absolute(t, s, "cert_cache_dir", p.cert_cache_dir);
        }
        if (takes("secret")) { get_secret(t, s, "secret", p.secret); require(t, s, "secret", p.secret); }
        if (takes("key")) { get_secret(t, s, "key", p.key); require(t, s, "key", p.key); }
        if (takes("url")) {
            get(t, s, "url", p.url);
            require(t, s, "url", p.url);
            if (!p.url.empty() && p.url.rfind("http://", 0) != 0 && p.url.rfind("https://", 0) != 0)
                add(*find(t, "url"), "[" + s + "] url must be the http(s) URL configured at the provider");
        }
        if (takes("token")) { get_secret(t, s, "token", p.token); require(t, s, "token", p.token); }
        if (takes("bounced_as")) {
            get(t, s, "bounced_as", p.bounced_as);
            if (p.bounced_as != "soft" && p.bounced_as != "hard")
                add(*find(t, "bounced_as"), "[" + s + "] bounced_as must be \"soft\" or \"hard\"");
        }
        get(t, s, "campaign_field", p.campaign_field);
        h.providers[name] = std::move(p);
    }
};

}  // namespace

std::string ConfigError::to_string() const {
    return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

bool is_known_reason(const std::string& reason) { return dsn::classify::is_known_reason(reason); }

std::string remote_exposure(const std::string& spec) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos) return "";
    const std::string kind = spec.substr(0, colon), rest = spec.substr(colon + 1);
    if (kind != "inet" && kind != "inet6") return "";
    const auto at = rest.find('@');
    if (at == std::string::npos) return "has no address, so it listens on every interface";
    std::string host = rest.substr(at + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "0.0.0.0" || host == "::" || host == "*" || host == "0" || host == "[::]" || host == "INADDR_ANY")
        return "is on a wildcard address, so it listens on every interface";
    return "";
}

LoadResult load_demo(const std::string& directory) {
    try {
        return Loader("<demo>", std::filesystem::absolute(directory)).load(embedded_demo());
    } catch (const std::exception& e) {
        LoadResult r;
        r.errors.push_back(ConfigError{"<demo>", 0, std::string("internal error while loading: ") + e.what()});
        return r;
    }
}

LoadResult load_string(const std::string& toml_text, const std::string& name) {
    try {
        return Loader(name, {}).load(toml_text);
    } catch (const std::exception& e) {  // never let a loader bug take a program down without a message
        LoadResult r;
        r.errors.push_back(ConfigError{name, 0, std::string("internal error while loading: ") + e.what()});
        return r;
    }
}

LoadResult load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult r;
        r.errors.push_back(ConfigError{path, 0, "cannot read the configuration file"});
        return r;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        return Loader(path, {}).load(buffer.str());
    } catch (const std::exception& e) {
        LoadResult r;
        r.errors.push_back(ConfigError{path, 0, std::string("internal error while loading: ") + e.what()});
        return r;
    }
}

}  // namespace conf
