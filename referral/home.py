"""Where the programme is, in one place: Bangladesh's time zone and phone region."""

from zoneinfo import ZoneInfo

HOME_TZ_NAME = "Asia/Dhaka"
HOME_TZ = ZoneInfo(HOME_TZ_NAME)  # rotas, send times staff type, quiet hours at home
HOME_REGION = "BD"  # phone numbers without a country code, and "at home" in segments
