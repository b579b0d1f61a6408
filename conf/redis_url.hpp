// Parses redis://[[user]:password@]host[:port][/db] (also rediss:// is refused: hiredis 0.14 has no TLS).
#pragma once

#include <optional>
#include <string>

namespace conf {

struct RedisEndpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string username;  // ACL user (Redis 6+); empty = password-only AUTH
    std::string password;
    int db = 0;
};

// nullopt and `error` set when the URL is not usable.
std::optional<RedisEndpoint> parse_redis_url(const std::string& url, std::string& error);

}  // namespace conf
