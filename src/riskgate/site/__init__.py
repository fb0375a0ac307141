"""The top floor: composes the apps into one site — the home page's panels, the navigation, the URLs, the JSON
API and the demo — from one registry (`rooms.ROOMS`). Nothing below imports it."""
