@NullMarked
package io.headroom.cache;

import org.jspecify.annotations.NullMarked;
