SELECT xferity.reset_all_data()
