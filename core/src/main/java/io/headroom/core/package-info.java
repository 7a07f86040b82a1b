/**
 * The small shared kernel of headroom: injected time ({@link io.headroom.core.Ticker}),
 * preconditions ({@link io.headroom.core.Checks}), external configuration ({@link
 * io.headroom.core.Settings}) and the root exception ({@link io.headroom.core.HeadroomException}).
 * Nothing here opens a socket.
 */
@NullMarked
package io.headroom.core;

import org.jspecify.annotations.NullMarked;
