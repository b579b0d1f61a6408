#include <curl/curl.h>

#include <mutex>

#include "webhooks/url_fetcher.hpp"

namespace webhooks {

namespace {

struct Sink {
    std::string body;
    std::size_t max_bytes = 0;
    bool overflow = false;
};

extern "C" size_t write_capped(char* data, size_t size, size_t nmemb, void* userdata) {
    auto* sink = static_cast<Sink*>(userdata);
    const size_t n = size * nmemb;
    if (sink->body.size() + n > sink->max_bytes) {
        sink->overflow = true;
        return 0;  // aborts the transfer
    }
    sink->body.append(data, n);
    return n;
}

class CurlFetcher final : public UrlFetcher {
public:
    CurlFetcher() {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    }

    FetchResult get(const std::string& url, std::size_t max_bytes) override {
        FetchResult result;
        if (url.rfind("https://", 0) != 0) {
            result.error = "refusing non-https URL";
            return result;
        }
        CURL* curl = curl_easy_init();
        if (curl == nullptr) {
            result.error = "curl_easy_init failed";
            return result;
        }
        Sink sink;
        sink.max_bytes = max_bytes;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_capped);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
        const CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(curl);
        if (sink.overflow) {
            result.error = "response larger than " + std::to_string(max_bytes) + " bytes";
        } else if (rc != CURLE_OK) {
            result.error = curl_easy_strerror(rc);
        } else {
            result.ok = true;
            result.status = status;
            result.body = std::move(sink.body);
        }
        return result;
    }
};

}  // namespace

std::shared_ptr<UrlFetcher> make_curl_fetcher() { return std::make_shared<CurlFetcher>(); }

}  // namespace webhooks
