// The concern below.
#pragma once
