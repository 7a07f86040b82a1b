@NullMarked
package io.headroom.http.internal;

import org.jspecify.annotations.NullMarked;
