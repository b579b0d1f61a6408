// A tiny logging facade shared by every program: stderr (foreground) or syslog (facility mail).
// Callers must never pass secrets; sinks log URLs without credentials (see redact_url).
#pragma once

#include <string>
#include <string_view>

namespace forwarder::log {

enum class Level { debug, info, warning, error };
enum class Target { stderr_stream, syslog };

// Chooses where lines go; `ident` names the program in syslog and in stderr prefixes.
// Safe to call again (e.g. after daemonizing); lines below `min_level` are dropped.
void configure(Target target, const std::string& ident, Level min_level = Level::info);

// Every line is written through escape_controls: a field carrying "\n2026-... bounce-drain[info]: ..."
// (an address in a stream entry, a reason from listmonk) cannot forge a second log line.
void write(Level level, std::string_view message);
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warning(std::string_view m) { write(Level::warning, m); }
inline void error(std::string_view m) { write(Level::error, m); }

// A line kept at the bottom of the terminal on stderr (the backfill's progress): log lines are written
// above it and it is drawn again under them. Empty: no such line (the last one is cleared).
void set_status_line(std::string line);

// C0 controls and DEL become \n, \r, \t or \xNN, and UTF-8-encoded C1 controls (U+0080..U+009F) \u00NN;
// everything else, including other UTF-8, is kept as it is.
std::string escape_controls(std::string_view text);

// "redis://user:pw@host:6379/0" -> "redis://user:***@host:6379/0", so URLs can be logged.
std::string redact_url(std::string_view url);

}  // namespace forwarder::log
