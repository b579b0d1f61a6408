#include "conf/environment.hpp"

#include <grp.h>
#include <pwd.h>

#include <filesystem>

namespace conf {
namespace {

// The directory a file will be created in must exist; the file itself need not yet.
bool directory_exists(const std::string& file_path) {
    const auto dir = std::filesystem::path(file_path).parent_path();
    std::error_code ec;
    return !dir.empty() && std::filesystem::is_directory(dir, ec);
}

int line_of(const Config& config, const std::string& key) {
    const auto it = config.lines.find(key);
    return it == config.lines.end() ? 1 : it->second;  // a default value: the file as a whole
}

}  // namespace

std::vector<ConfigError> environment_problems(const Config& config, const EnvironmentScope& scope) {
    std::vector<ConfigError> problems;
    auto add = [&](const std::string& key, std::string message) {
        problems.push_back(ConfigError{config.path, line_of(config, key), std::move(message)});
    };
    auto missing_dir = [](const std::string& path) {
        return std::filesystem::path(path).parent_path().string();
    };
    // Without a sink every captured bounce would be recorded and then dropped (discard) or never
    // delivered anywhere: a configuration that loses data.
    if (scope.outbox && !config.listmonk && !config.redis && !config.file)
        problems.push_back(ConfigError{config.path, 1,
                                       "no sink configured: add a [listmonk], [redis] or [file] section, or bounces go nowhere"});
    if (scope.outbox && !directory_exists(config.outbox.path))
        add("outbox.path", "[outbox] path " + config.outbox.path + ": the directory " + missing_dir(config.outbox.path) +
                               " does not exist (the package creates /var/lib/bouncemilter)");
    if (config.file && !directory_exists(config.file->path))
        add("file.path", "[file] path " + config.file->path + ": the directory " + missing_dir(config.file->path) +
                             " does not exist");
    if (config.milter) {
        const std::string socket = scope.socket_override.empty() ? config.milter->socket : scope.socket_override;
        for (const char* prefix : {"unix:", "local:"}) {
            const std::string p(prefix);
            if (socket.rfind(p, 0) == 0 && !directory_exists(socket.substr(p.size())))
                add("milter.socket", "[milter] socket " + socket + ": the directory " + missing_dir(socket.substr(p.size())) +
                                         " does not exist");
        }
        if (!config.milter->user.empty() && getpwnam(config.milter->user.c_str()) == nullptr)
            add("milter.user", "[milter] user '" + config.milter->user + "' does not exist on this system");
        if (!config.milter->socket_group.empty() && getgrnam(config.milter->socket_group.c_str()) == nullptr)
            add("milter.socket_group", "[milter] socket_group '" + config.milter->socket_group + "' does not exist on this system");
    }
    return problems;
}

}  // namespace conf
