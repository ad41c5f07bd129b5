#include "herd/table/siphash.hpp"

#include <sys/random.h>

#include <cerrno>
#include <system_error>

namespace herd {

SipKey draw_sip_key() {
  SipKey key;
  auto* out = reinterpret_cast<unsigned char*>(&key);
  std::size_t filled = 0;
  while (filled < sizeof key) {
    const ssize_t got = ::getrandom(out + filled, sizeof key - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom for the hash key");
    }
    filled += static_cast<std::size_t>(got);
  }
  return key;
}

const SipKey& process_sip_key() {
  static const SipKey key = draw_sip_key();
  return key;
}

}  // namespace herd
