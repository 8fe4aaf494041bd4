<?php

namespace Igny8\Bridge;

use WP_Error;
use WP_REST_Request;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * Who may call the igny8/v1 routes: the backend with the shared secret, or a logged-in user who may manage
 * the site. A wrong or missing secret is 401 (and the route's callback never runs, so nothing changes).
 */
final class Auth
{
    /** @return true|WP_Error */
    public static function permit(WP_REST_Request $request)
    {
        $given = (string) $request->get_header('x_igny8_secret');
        if ($given !== '') {
            if (Secret::matches(Options::secret(), $given)) {
                return true;
            }
            return new WP_Error('igny8_wrong_secret', __('The X-IGNY8-Secret header does not match this site\'s secret.', 'igny8-bridge'), ['status' => 401]);
        }
        if (is_user_logged_in()) {
            if (current_user_can('manage_options')) {
                return true;
            }
            return new WP_Error('igny8_forbidden', __('Only administrators may use the IGNY8 routes.', 'igny8-bridge'), ['status' => 403]);
        }
        return new WP_Error('igny8_missing_secret', __('Send the site\'s secret in the X-IGNY8-Secret header.', 'igny8-bridge'), ['status' => 401]);
    }
}
