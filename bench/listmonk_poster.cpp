// The floor for bench/drain_throughput.sh: posts ready-made listmonk bodies (JSON Lines, as the
// file sink writes them) to /webhooks/bounce with N threads, each on one kept-alive connection,
// and nothing else: no Redis, no outbox, no parsing. Its events/s is what the listmonk on the other
// end can take; bounce-drain's figure divided by it is what draining costs on top.
//
//   bench-listmonk-poster URL USER TOKEN BODIES.jsonl PARALLEL
// Prints "posted N in S s" and exits 1 if any request failed (answer other than 2xx).
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// Posts bodies[first], bodies[first + stride], ... on one connection; returns the failures.
std::size_t post_share(const std::string& url, const std::string& auth, const std::vector<std::string>& bodies,
                       std::size_t first, std::size_t stride) {
    CURL* curl = curl_easy_init();
    if (!curl) return bodies.size();
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, auth.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    std::size_t failures = 0;
    for (std::size_t i = first; i < bodies.size(); i += stride) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, bodies[i].c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(bodies[i].size()));
        long status = 0;
        if (curl_easy_perform(curl) != CURLE_OK ||
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status / 100 != 2) {
            ++failures;
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return failures;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s URL USER TOKEN BODIES.jsonl PARALLEL\n", argv[0]);
        return 2;
    }
    const std::string url = std::string(argv[1]) + "/webhooks/bounce";
    const std::string auth = std::string("Authorization: token ") + argv[2] + ":" + argv[3];
    std::ifstream in(argv[4]);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", argv[4]);
        return 2;
    }
    std::vector<std::string> bodies;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) bodies.push_back(line);
    }
    const long parallel = std::strtol(argv[5], nullptr, 10);
    if (parallel < 1 || parallel > 256) {
        std::fprintf(stderr, "PARALLEL must be 1..256\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::atomic<std::size_t> failures{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (long t = 0; t < parallel; ++t) {
        threads.emplace_back([&, t] {
            failures += post_share(url, auth, bodies, static_cast<std::size_t>(t), static_cast<std::size_t>(parallel));
        });
    }
    for (auto& thread : threads) thread.join();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    curl_global_cleanup();
    std::printf("posted %zu in %.3f s, %zu failed\n", bodies.size() - failures.load(), elapsed.count(), failures.load());
    return failures.load() == 0 ? 0 : 1;
}
