#include "webhooks/socket_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace webhooks {

namespace {

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(addr);
        inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        port = ntohs(v4.sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(addr);
        inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        port = ntohs(v6.sin6_port);
    }
    ip = text;
}

}  // namespace

BufferedSocketStream::BufferedSocketStream(int fd, std::string buffered, Clock::time_point read_deadline,
                                           std::chrono::milliseconds write_timeout)
    : fd_(fd), buffer_(std::move(buffered)), read_deadline_(read_deadline), write_timeout_(write_timeout) {}

std::chrono::milliseconds BufferedSocketStream::read_time_left() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(read_deadline_ - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

bool BufferedSocketStream::wait_for(short events, std::chrono::milliseconds timeout) const {
    pollfd p{fd_, events, 0};
    for (;;) {
        const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (n < 0 && errno == EINTR) continue;
        return n > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
    }
}

bool BufferedSocketStream::is_readable() const { return pos_ < buffer_.size() || wait_for(POLLIN, read_time_left()); }

bool BufferedSocketStream::is_writable() const { return wait_for(POLLOUT, write_timeout_); }

ssize_t BufferedSocketStream::read(char* ptr, size_t size) {
    if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
        // The deadline covers the whole request: a body trickled in a byte at a time ends with it.
        char chunk[16384];
        for (;;) {
            if (!wait_for(POLLIN, read_time_left())) return -1;
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (n <= 0) return n;
            buffer_.assign(chunk, static_cast<std::size_t>(n));
            break;
        }
    }
    const std::size_t n = std::min(size, buffer_.size() - pos_);
    std::memcpy(ptr, buffer_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
}

ssize_t BufferedSocketStream::write(const char* ptr, size_t size) {
    for (;;) {
        if (!wait_for(POLLOUT, write_timeout_)) return -1;
        const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        return n;
    }
}

void BufferedSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

void BufferedSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

std::string BufferedSocketStream::take_unread() {
    std::string rest = buffer_.substr(pos_);
    buffer_.clear();
    pos_ = 0;
    return rest;
}

}  // namespace webhooks
