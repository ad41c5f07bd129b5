// The completion token for a coroutine's waits whose errors are expected (EOF, a
// reset, a cancelled timer): the error comes back as the first element of a
// tuple instead of as an exception.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace herd {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace herd
