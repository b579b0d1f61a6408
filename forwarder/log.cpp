#include "forwarder/log.hpp"

#include "conf/redact_url.hpp"

#include <syslog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace forwarder::log {
namespace {

struct Settings {
    std::mutex mutex;
    Target target = Target::stderr_stream;
    std::string ident = "bounce";
    Level min_level = Level::info;
    std::string status_line;  // drawn below the log lines on stderr, see set_status_line
};

Settings& settings() {
    static Settings s;
    return s;
}

int syslog_priority(Level level) {
    switch (level) {
        case Level::debug: return LOG_DEBUG;
        case Level::info: return LOG_INFO;
        case Level::warning: return LOG_WARNING;
        case Level::error: break;
    }
    return LOG_ERR;
}

const char* label(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warning: return "warning";
        case Level::error: break;
    }
    return "error";
}

}  // namespace

void configure(Target target, const std::string& ident, Level min_level) {
    Settings& s = settings();
    std::lock_guard lock(s.mutex);
    if (s.target == Target::syslog) closelog();
    s.target = target;
    s.ident = ident;
    s.min_level = min_level;
    // openlog keeps the pointer, so it must point at storage that outlives the call: s.ident does.
    if (target == Target::syslog) openlog(s.ident.c_str(), LOG_PID | LOG_NDELAY, LOG_MAIL);
}

std::string escape_controls(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) (out += "\\x") += {hex[c >> 4], hex[c & 15]};
        else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                 static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            const auto c1 = static_cast<unsigned char>(text[++i]);
            (out += "\\u00") += {hex[c1 >> 4], hex[c1 & 15]};
        } else out += static_cast<char>(c);
    }
    return out;
}

void write(Level level, std::string_view raw_message) {
    const std::string escaped = escape_controls(raw_message);
    const std::string_view message = escaped;
    Settings& s = settings();
    std::lock_guard lock(s.mutex);  // one line at a time, never interleaved between threads
    if (level < s.min_level) return;
    if (s.target == Target::syslog) {
        syslog(syslog_priority(level), "%.*s", static_cast<int>(message.size()), message.data());
        return;
    }
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!s.status_line.empty()) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s %s[%s]: %.*s\n", stamp, s.ident.c_str(), label(level),
                 static_cast<int>(message.size()), message.data());
    if (!s.status_line.empty()) std::fputs(s.status_line.c_str(), stderr);
    std::fflush(stderr);
}

void set_status_line(std::string line) {
    Settings& s = settings();
    std::lock_guard lock(s.mutex);
    if (line.empty() && s.status_line.empty()) return;
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    s.status_line = std::move(line);
}

std::string redact_url(std::string_view url) { return conf::redact_url(url); }

}  // namespace forwarder::log
